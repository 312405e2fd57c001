// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Authenticated-mode keys: the key file, the auth_keys map, the fingerprint (auth_keys.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "auth_keys.h"
#include "cli.h"
#include "sha256.h"

#define FINGERPRINT_LABEL "stampede key fingerprint"

/* A line's key, as read. */
struct key_line {
	bool has_port, has_ssid;
	__u16 port, ssid;
	__u8 key[STAMPEDE_MAX_AUTH_KEY_LEN];
	size_t len;
};

/*
 * The key file being read: its errors start with the keyword that named it
 * and the path ("auth-key FILE: ...", "hmac-key FILE:3: ...").
 */
struct key_file {
	const char *path;
	const char *word;
	bool probe; /* the probe's: it may also belong to whoever runs it */
};

static int line_error(const struct key_file *kf, unsigned int line, const char *why,
		      const char *word)
{
	if (word)
		return cli_error("%s %s:%u: %s '%s'", kf->word, kf->path, line, why, word);
	return cli_error("%s %s:%u: %s", kf->word, kf->path, line, why);
}

/* hex:HEXDIGITS or text:WORD into @kl; the message on failure. */
static const char *parse_key(const char *word, struct key_line *kl)
{
	size_t n;

	if (!strncmp(word, "hex:", 4)) {
		int got = cli_hex_octets(word + 4, kl->key, STAMPEDE_MAX_AUTH_KEY_LEN);

		if (got == CLI_HEX_LONG)
			return "key longer than 128 octets";
		if (got == CLI_HEX_ODD)
			return "expected an even number of hex digits after hex:";
		if (got <= 0)
			return "expected hex digits after hex:";
		kl->len = (size_t)got;
		return NULL;
	}
	if (!strncmp(word, "text:", 5)) {
		word += 5;
		n = strlen(word);
		if (!n)
			return "expected a key after text:";
		if (n > STAMPEDE_MAX_AUTH_KEY_LEN)
			return "key longer than 128 octets";
		memcpy(kl->key, word, n);
		kl->len = n;
		return NULL;
	}
	return "expected a key as hex:HEXDIGITS or text:WORD";
}

/* "0".."65535" without sign or spaces. */
static bool parse_u16(const char *word, __u16 *val)
{
	char *end;
	unsigned long v;

	if (*word < '0' || *word > '9')
		return false;
	errno = 0;
	v = strtoul(word, &end, 10);
	if (*end || errno || v > 65535)
		return false;
	*val = v;
	return true;
}

/* One line's words into @kl; 1 for a line without a key (blank, comment). */
static int parse_line(char *text, const struct key_file *kf, unsigned int line, struct key_line *kl)
{
	char *words[6], *save = NULL, *w, *hash = strchr(text, '#');
	unsigned int n = 0, i = 0;
	const char *why;

	if (hash)
		*hash = '\0';
	memset(kl, 0, sizeof(*kl));
	for (w = strtok_r(text, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 5)
			return line_error(kf, line,
					  "too many words: expected [port PORT [ssid"
					  " SSID]] KEY",
					  NULL);
		words[n++] = w;
	}
	if (!n)
		return 1;
	if (i + 1 < n && !strcmp(words[i], "port")) {
		if (!parse_u16(words[i + 1], &kl->port) || !kl->port)
			return line_error(kf, line, "bad port", words[i + 1]);
		kl->has_port = true;
		i += 2;
		if (i + 1 < n && !strcmp(words[i], "ssid")) {
			if (!parse_u16(words[i + 1], &kl->ssid))
				return line_error(kf, line, "bad ssid (0-65535)", words[i + 1]);
			kl->has_ssid = true;
			i += 2;
		}
	}
	if (i + 1 != n)
		return line_error(kf, line,
				  i < n ? "expected [port PORT [ssid SSID]] KEY, not"
					: "expected [port PORT [ssid SSID]] KEY",
				  i < n ? words[i] : NULL);
	why = parse_key(words[i], kl);
	/* Not the word: it may be most of a key. */
	if (why)
		return line_error(kf, line, why, NULL);
	return 0;
}

/*
 * Mode 0600 or stricter, a regular file, owned by root (or, for the probe,
 * by whoever runs it): nobody else may read or swap it.
 */
static int check_file(int fd, const struct key_file *kf)
{
	struct stat st;

	if (fstat(fd, &st))
		return cli_error("%s %s: %s", kf->word, kf->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return cli_error("%s %s: not a regular file", kf->word, kf->path);
	if (st.st_uid != 0 && !(kf->probe && st.st_uid == geteuid()))
		return cli_error("%s %s: owned by uid %u; a key file must be owned by %s", kf->word,
				 kf->path, (unsigned int)st.st_uid,
				 kf->probe ? "root or you" : "root");
	if (st.st_mode & 07177)
		return cli_error("%s %s: mode %04o; a key file must be mode 0600 or stricter"
				 " (chmod 600 %s)",
				 kf->word, kf->path, (unsigned int)(st.st_mode & 07777), kf->path);
	return 0;
}

static int find_id(const struct auth_keyset *set, const struct stampede_auth_key_id *id)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (!memcmp(&set->id[i], id, sizeof(*id)))
			return i;
	return -1;
}

static int add_entry(struct auth_keyset *set, __u16 port, __u16 ssid, __u32 kind,
		     const struct stampede_auth_key *val)
{
	struct stampede_auth_key_id id = {.port = htons(port), .ssid = htons(ssid), .kind = kind};

	if (set->n == STAMPEDE_MAX_AUTH_KEYS)
		return -1;
	set->id[set->n] = id;
	set->val[set->n] = *val;
	set->n++;
	if (kind != STAMPEDE_AUTH_PORT)
		set->n_keys++;
	return 0;
}

static void key_states(const struct key_line *kl, struct stampede_auth_key *val)
{
	struct hmac_sha256_states st;
	__u8 mac[SHA256_DIGEST_LEN];

	hmac_sha256_states(kl->key, kl->len, &st);
	memset(val, 0, sizeof(*val));
	memcpy(val->ipad, st.ipad, sizeof(val->ipad));
	memcpy(val->opad, st.opad, sizeof(val->opad));
	hmac_sha256(&st, FINGERPRINT_LABEL, strlen(FINGERPRINT_LABEL), mac);
	memcpy(val->fingerprint, mac, sizeof(val->fingerprint));
	explicit_bzero(&st, sizeof(st));
}

static bool port_in(const __u16 *ports, unsigned int n, __u16 port)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* Every line into @set; the default key, if any, into @dflt. */
static int read_lines(FILE *f, const struct key_file *kf, const __u16 *ports, unsigned int n_ports,
		      const __u16 *plain, unsigned int n_plain, struct auth_keyset *set,
		      struct stampede_auth_key *dflt, bool *has_dflt)
{
	struct key_line kl;
	struct stampede_auth_key val;
	char *text = NULL;
	size_t cap = 0;
	unsigned int line = 0;
	int ret = 0;

	while (!ret && getline(&text, &cap, f) >= 0) {
		line++;
		ret = parse_line(text, kf, line, &kl);
		if (ret) {
			ret = ret > 0 ? 0 : -1;
			continue;
		}
		key_states(&kl, &val);
		if (!kl.has_port) {
			if (*has_dflt)
				ret = line_error(kf, line,
						 "a second default key (a line without"
						 " port)",
						 NULL);
			*dflt = val;
			*has_dflt = true;
		} else if (kf->probe && !port_in(ports, n_ports, kl.port) &&
			   !port_in(plain, n_plain, kl.port)) {
			continue; /* another port's: not the probe's business */
		} else if (!port_in(ports, n_ports, kl.port) && !port_in(plain, n_plain, kl.port)) {
			char port[8];

			snprintf(port, sizeof(port), "%u", kl.port);
			ret = line_error(kf, line, "not a port of this reflector: port", port);
		} else {
			struct stampede_auth_key_id id = {
				.port = htons(kl.port),
				.ssid = htons(kl.ssid),
				.kind = kl.has_ssid ? STAMPEDE_AUTH_SSID : STAMPEDE_AUTH_ANY_SSID,
			};

			if (find_id(set, &id) >= 0)
				ret = line_error(kf, line, "a second key for this port and ssid",
						 NULL);
			else if (add_entry(set, kl.port, kl.ssid, id.kind, &val))
				ret = line_error(kf, line, "too many keys", NULL);
		}
	}
	explicit_bzero(&kl, sizeof(kl));
	if (text) {
		explicit_bzero(text, cap);
		free(text);
	}
	if (!ret && ferror(f))
		ret = cli_error("%s %s: %s", kf->word, kf->path, strerror(errno));
	return ret;
}

static int read_file(const struct key_file *kf, const __u16 *ports, unsigned int n_ports,
		     const __u16 *plain, unsigned int n_plain, struct auth_keyset *set)
{
	struct stampede_auth_key dflt, none = {0};
	bool has_dflt = false;
	unsigned int i;
	FILE *f;
	int fd, ret;

	memset(set, 0, sizeof(*set));
	if (!n_ports && !n_plain)
		return cli_error("auth-key needs an auth-port: keys are for authenticated-mode"
				 " ports");
	fd = open(kf->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cli_error("%s %s: %s", kf->word, kf->path, strerror(errno));
	if (check_file(fd, kf)) {
		close(fd);
		return -1;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return cli_error("%s %s: %s", kf->word, kf->path, strerror(errno));
	}
	ret = read_lines(f, kf, ports, n_ports, plain, n_plain, set, &dflt, &has_dflt);
	fclose(f);
	if (ret)
		return -1;
	/*
	 * The default is for auth-ports: an unauthenticated port's key is
	 * named.  The probe's file may be a reflector's, whose default is
	 * for its auth-ports: not for the probe's unauthenticated port.
	 */
	if (has_dflt && !n_ports) {
		explicit_bzero(&dflt, sizeof(dflt));
		has_dflt = false;
		if (!kf->probe)
			return cli_error("%s %s: a default key (a line without port) needs an"
					 " auth-port",
					 kf->word, kf->path);
	}
	if (!set->n_keys && !has_dflt && kf->probe)
		return cli_error("%s %s: no key for port %u%s", kf->word, kf->path,
				 n_ports ? ports[0] : plain[0],
				 n_ports ? ""
					 : " (a line naming it: the default is for auth-ports)");
	if (!set->n_keys && !has_dflt)
		return cli_error("%s %s: no key in it", kf->word, kf->path);
	for (i = 0; ret == 0 && i < n_ports; i++) {
		struct stampede_auth_key_id any = {.port = htons(ports[i]),
						   .kind = STAMPEDE_AUTH_ANY_SSID};

		if (has_dflt && find_id(set, &any) < 0)
			ret = add_entry(set, ports[i], 0, STAMPEDE_AUTH_ANY_SSID, &dflt);
	}
	/* Markers last: a port with keys verifies; one without is left to the stack. */
	for (i = 0; ret == 0 && i < n_ports; i++) {
		unsigned int j;

		for (j = 0; j < set->n; j++)
			if (set->id[j].port == htons(ports[i]))
				break;
		if (j < set->n)
			ret = add_entry(set, ports[i], 0, STAMPEDE_AUTH_PORT, &none);
	}
	explicit_bzero(&dflt, sizeof(dflt));
	if (ret)
		return cli_error("%s %s: more than %d keys and ports", kf->word, kf->path,
				 STAMPEDE_MAX_AUTH_KEYS);
	return 0;
}

int auth_keys_read(const char *path, const __u16 *ports, unsigned int n_ports, const __u16 *plain,
		   unsigned int n_plain, struct auth_keyset *set)
{
	const struct key_file kf = {.path = path, .word = "auth-key"};

	return read_file(&kf, ports, n_ports, plain, n_plain, set);
}

int auth_key_for(const char *path, __u16 port, __u16 ssid, bool authenticated,
		 struct hmac_sha256_states *st)
{
	const struct key_file kf = {
		.path = path,
		.word = authenticated ? "auth-key" : "hmac-key",
		.probe = true,
	};
	struct stampede_auth_key_id want = {.port = htons(port), .ssid = htons(ssid)};
	struct auth_keyset *set = malloc(sizeof(*set));
	int i, ret = -1;

	if (!set)
		return cli_error("out of memory");
	if (authenticated ? read_file(&kf, &port, 1, NULL, 0, set)
			  : read_file(&kf, NULL, 0, &port, 1, set))
		goto out;
	want.kind = STAMPEDE_AUTH_SSID;
	i = find_id(set, &want);
	if (i < 0) {
		want.ssid = 0;
		want.kind = STAMPEDE_AUTH_ANY_SSID;
		i = find_id(set, &want);
	}
	if (i < 0) {
		cli_error("%s %s: no key for port %u, ssid %u", kf.word, path, port, ssid);
		goto out;
	}
	memcpy(st->ipad, set->val[i].ipad, sizeof(st->ipad));
	memcpy(st->opad, set->val[i].opad, sizeof(st->opad));
	ret = 0;
out:
	explicit_bzero(set, sizeof(*set));
	free(set);
	return ret;
}

/* Every entry of the map into @set. */
static int read_map(int map_fd, struct auth_keyset *set)
{
	struct stampede_auth_key_id id, next, *prev = NULL;

	memset(set, 0, sizeof(*set));
	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		if (set->n == STAMPEDE_MAX_AUTH_KEYS)
			break;
		if (bpf_map_lookup_elem(map_fd, &next, &set->val[set->n])) {
			if (errno == ENOENT)
				continue; /* removed meanwhile */
			return cli_error("cannot read the auth_keys map: %s", strerror(errno));
		}
		set->id[set->n] = next;
		if (next.kind != STAMPEDE_AUTH_PORT)
			set->n_keys++;
		set->n++;
		id = next;
		prev = &id;
	}
	return 0;
}

int auth_keys_write(int map_fd, const struct auth_keyset *set)
{
	struct auth_keyset *old = malloc(sizeof(*old));
	unsigned int i;
	int ret = -1;

	if (!old)
		return cli_error("out of memory");
	if (read_map(map_fd, old))
		goto out;
	for (i = 0; i < set->n; i++)
		if (bpf_map_update_elem(map_fd, &set->id[i], &set->val[i], BPF_ANY)) {
			cli_error("cannot write the auth_keys map: %s", strerror(errno));
			goto out;
		}
	for (i = 0; i < old->n; i++)
		if (find_id(set, &old->id[i]) < 0 && bpf_map_delete_elem(map_fd, &old->id[i]) &&
		    errno != ENOENT) {
			cli_error("cannot remove a key from the auth_keys map: %s",
				  strerror(errno));
			goto out;
		}
	ret = 0;
out:
	explicit_bzero(old, sizeof(*old));
	free(old);
	return ret;
}

int auth_keys_prune(int map_fd, const __be16 *ports, unsigned int n_ports)
{
	struct auth_keyset *set = malloc(sizeof(*set));
	unsigned int i, j;
	int ret = 0;

	if (!set)
		return cli_error("out of memory");
	if (read_map(map_fd, set)) {
		free(set);
		return -1;
	}
	for (i = 0; i < set->n && !ret; i++) {
		for (j = 0; j < n_ports; j++)
			if (ports[j] == set->id[i].port)
				break;
		if (j == n_ports && bpf_map_delete_elem(map_fd, &set->id[i]) && errno != ENOENT)
			ret = cli_error("cannot remove a key from the auth_keys map: %s",
					strerror(errno));
	}
	explicit_bzero(set, sizeof(*set));
	free(set);
	return ret;
}

static const struct auth_keyset *sort_set;

static int cmp_entry(const void *a, const void *b)
{
	return memcmp(&sort_set->id[*(const unsigned int *)a],
		      &sort_set->id[*(const unsigned int *)b], sizeof(struct stampede_auth_key_id));
}

/*
 * SHA-256 over each key's port, SSID, kind and own fingerprint, in the
 * order of their ids: the same keys give the same text however they were
 * written, and the text says nothing a guess at a key could be checked
 * against better than the per-key fingerprints already allow.
 */
void auth_keyset_fingerprint(const struct auth_keyset *set, char fp[AUTH_FINGERPRINT_LEN])
{
	unsigned int order[STAMPEDE_MAX_AUTH_KEYS], i, n = 0;
	__u8 digest[SHA256_DIGEST_LEN];
	struct sha256_ctx c;

	fp[0] = '\0';
	for (i = 0; i < set->n; i++)
		if (set->id[i].kind != STAMPEDE_AUTH_PORT)
			order[n++] = i;
	if (!n)
		return;
	sort_set = set;
	qsort(order, n, sizeof(order[0]), cmp_entry);
	sha256_init(&c);
	for (i = 0; i < n; i++) {
		sha256_update(&c, &set->id[order[i]], sizeof(set->id[0]));
		sha256_update(&c, set->val[order[i]].fingerprint, sizeof(set->val[0].fingerprint));
	}
	sha256_final(&c, digest);
	snprintf(fp, AUTH_FINGERPRINT_LEN, "%02x%02x%02x%02x", digest[0], digest[1], digest[2],
		 digest[3]);
}

int auth_keys_summary(int map_fd, unsigned int *n_keys, char fp[AUTH_FINGERPRINT_LEN])
{
	struct auth_keyset *set = malloc(sizeof(*set));

	*n_keys = 0;
	fp[0] = '\0';
	if (!set)
		return cli_error("out of memory");
	if (read_map(map_fd, set)) {
		free(set);
		return -1;
	}
	*n_keys = set->n_keys;
	auth_keyset_fingerprint(set, fp);
	explicit_bzero(set, sizeof(*set));
	free(set);
	return 0;
}
