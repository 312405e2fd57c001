// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * profile: where loaded BPF programs spend their time, by source line,
 * from perf's samples (bench/profile.sh runs it on a prog_cost case).
 *
 * Nothing else maps a JITed BPF address to a source line on this machine
 * (perf annotate has no BPF disassembler, bpftool no libbfd), but the
 * kernel keeps what is needed: bpf_prog_info gives each function's JITed
 * address and length (jited_ksyms, jited_func_lens), the BTF line records
 * (line_info: file, line and source text as offsets into the program's
 * BTF) and the address where each record's code starts (jited_line_info).
 * A sample belongs to the last record that starts at or before it.
 *
 * Input on stdin: `perf script -F ip,sym`, with or without callchains
 * (perf record -g).  A callchain lets a sample outside the programs (a
 * clock read, a map helper) be charged to the line that called it: a
 * caller's frame is a return address, so it belongs to the line of the
 * byte before it.  For the same reason a sample on the instruction after
 * a call is charged to the call's line even where that instruction starts
 * another line: the call has just returned.
 *
 * Usage: profile {--id N | --name NAME}... [--top N] [--json FILE]
 *        profile {--id N | --name NAME}... --records
 * The programs are opened before stdin is read, which keeps them loaded,
 * and their addresses valid, even if their loader exits meanwhile.
 * --records prints every line record (xlated instruction, JITed offset,
 * file:line:col) instead, for comparison with `bpftool prog dump xlated
 * id N linum`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#define MAX_PROGS	32
#define MAX_FUNCS	256	  /* the kernel's BPF_MAX_SUBPROGS */
#define MAX_RECORDS	(1 << 20) /* line records: at most one per instruction */
#define MAX_FRAMES	128	  /* callchain entries kept per sample */
#define MAX_INPUT_LINES 100000000UL
#define MAX_SYMS	512 /* distinct symbols tallied outside the programs */
#define SYM_LEN		64
#define TOP_DEFAULT	25
#define TOP_MAX		100000
#define SRC_WIDTH	70 /* source text in the table, in characters */
#define TOP_ELSEWHERE	6

static void __attribute__((format(printf, 1, 2))) say_error(const char *fmt, ...)
{
	va_list ap;

	fputs("profile: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Reports one error line and returns -1, so callers only pass failure up. */
#define fail(...) (say_error(__VA_ARGS__), -1)

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* ---- Programs ----------------------------------------------------------- */

/* One BTF line record: where its code starts and what it says. */
struct line_rec {
	__u64 addr;	/* JITed address of its first instruction */
	__u32 insn_off; /* its first xlated instruction */
	__u32 line, col;
	const char *file, *src; /* strings of the program's BTF */
	__u64 self, callee;	/* samples in its code, in functions it called */
};

/* perf names a JITed function bpf_prog_<its tag>_<its name>. */
#define SYM_PREFIX_LEN (sizeof("bpf_prog__") + 2 * BPF_TAG_SIZE)

/* A JITed function (the main program or a subprogram) and its records. */
struct func {
	__u64 start;
	__u32 len;
	__u32 first, end; /* its records: recs[first..end) */
	char sym_prefix[SYM_PREFIX_LEN];
};

struct prog {
	__u32 id;
	int fd;
	char name[BPF_OBJ_NAME_LEN];
	char tag[2 * BPF_TAG_SIZE + 1];
	__u32 n_insns, verified_insns, jited_bytes;
	struct btf *btf;
	struct bpf_insn *insns; /* xlated: to tell which instruction is a call */
	struct func *funcs;
	__u32 n_funcs;
	struct line_rec *recs;
	__u32 n_recs;
	__u64 self, callee, callee_clock;
	__u64 unmapped;	  /* samples at addresses before its first line record */
	__u64 misnamed;	  /* own samples perf named after another function */
	__u64 after_call; /* own samples on the instruction after a call, charged to the call */
};

static struct prog progs[MAX_PROGS];
static int n_progs;

/* What the second bpf_obj_get_info_by_fd() call fills in, until it is sorted out. */
struct raw_info {
	__u64 *ksyms;
	__u32 *flens;
	__u8 (*tags)[BPF_TAG_SIZE];
	struct bpf_line_info *lines;
	__u64 *jlines;
};

static void raw_info_free(struct raw_info *raw)
{
	free(raw->ksyms);
	free(raw->flens);
	free(raw->tags);
	free(raw->lines);
	free(raw->jlines);
}

static __u64 ptr_u64(const void *p)
{
	return (__u64)(uintptr_t)p;
}

static void hex_tag(char *dst, const __u8 *tag)
{
	int i;

	for (i = 0; i < BPF_TAG_SIZE; i++)
		snprintf(dst + 2 * i, 3, "%02x", tag[i]);
}

/* Sizes first, then the buffers: the usual two calls. */
static int prog_read_info(struct prog *p, struct raw_info *raw)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info), n_funcs, n_lines, n_insns;

	if (bpf_obj_get_info_by_fd(p->fd, &info, &len))
		return fail("program %u: cannot read its info: %s", p->id, strerror(errno));
	memcpy(p->name, info.name, sizeof(p->name));
	p->name[sizeof(p->name) - 1] = 0;
	hex_tag(p->tag, info.tag);
	p->verified_insns = info.verified_insns;
	p->jited_bytes = info.jited_prog_len;
	n_funcs = info.nr_jited_ksyms;
	n_lines = info.nr_line_info;
	n_insns = info.xlated_prog_len / sizeof(struct bpf_insn);
	if (!info.jited_prog_len || !n_funcs || !n_insns)
		return fail("program %u (%s): not JITed, or its code is hidden (run as root)",
			    p->id, p->name);
	if (!n_lines || !info.btf_id || info.nr_jited_line_info != n_lines)
		return fail("program %u (%s): no line info (BTF); was it built with -g?", p->id,
			    p->name);
	if (n_funcs > MAX_FUNCS || info.nr_jited_func_lens != n_funcs ||
	    info.nr_prog_tags != n_funcs || n_lines > MAX_RECORDS)
		return fail("program %u (%s): %u functions, %u line records: not as expected",
			    p->id, p->name, n_funcs, n_lines);
	p->n_funcs = n_funcs;
	p->n_recs = n_lines;
	p->n_insns = n_insns;
	p->btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!p->btf)
		return fail("program %u (%s): cannot load its BTF %u: %s", p->id, p->name,
			    info.btf_id, strerror(errno));
	raw->ksyms = calloc(n_funcs, sizeof(*raw->ksyms));
	raw->flens = calloc(n_funcs, sizeof(*raw->flens));
	raw->tags = calloc(n_funcs, sizeof(*raw->tags));
	raw->lines = calloc(n_lines, sizeof(*raw->lines));
	raw->jlines = calloc(n_lines, sizeof(*raw->jlines));
	p->insns = calloc(n_insns, sizeof(*p->insns));
	p->funcs = calloc(n_funcs, sizeof(*p->funcs));
	p->recs = calloc(n_lines, sizeof(*p->recs));
	if (!raw->ksyms || !raw->flens || !raw->tags || !raw->lines || !raw->jlines || !p->insns ||
	    !p->funcs || !p->recs)
		return fail("out of memory");

	memset(&info, 0, sizeof(info));
	info.nr_jited_ksyms = n_funcs;
	info.jited_ksyms = ptr_u64(raw->ksyms);
	info.nr_jited_func_lens = n_funcs;
	info.jited_func_lens = ptr_u64(raw->flens);
	info.nr_prog_tags = n_funcs;
	info.prog_tags = ptr_u64(raw->tags);
	info.nr_line_info = n_lines;
	info.line_info_rec_size = sizeof(*raw->lines);
	info.line_info = ptr_u64(raw->lines);
	info.nr_jited_line_info = n_lines;
	info.jited_line_info_rec_size = sizeof(*raw->jlines);
	info.jited_line_info = ptr_u64(raw->jlines);
	info.xlated_prog_len = n_insns * sizeof(struct bpf_insn);
	info.xlated_prog_insns = ptr_u64(p->insns);
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(p->fd, &info, &len))
		return fail("program %u: cannot read its line info: %s", p->id, strerror(errno));
	/* The kernel zeroes the pointers of what it will not show (kernel.kptr_restrict). */
	if (!info.jited_ksyms || !info.jited_line_info || !info.xlated_prog_insns)
		return fail("program %u (%s): the kernel hides its addresses (root, "
			    "kernel.kptr_restrict=0 needed)",
			    p->id, p->name);
	if (info.nr_jited_ksyms != n_funcs || info.nr_line_info != n_lines ||
	    info.line_info_rec_size != sizeof(*raw->lines) ||
	    info.jited_line_info_rec_size != sizeof(*raw->jlines))
		return fail("program %u (%s): inconsistent line info from the kernel", p->id,
			    p->name);
	return 0;
}

static const char *btf_str(const struct btf *btf, __u32 off, const char *none)
{
	const char *s = btf__name_by_offset(btf, off);

	return s && *s ? s : none;
}

/* The function whose code holds @addr; else one it ends at (a last record without code). */
static __u32 func_of_record(const struct prog *p, __u64 addr)
{
	__u32 f;

	for (f = 0; f < p->n_funcs; f++)
		if (addr >= p->funcs[f].start && addr - p->funcs[f].start < p->funcs[f].len)
			return f;
	for (f = 0; f < p->n_funcs; f++)
		if (addr == p->funcs[f].start + p->funcs[f].len)
			return f;
	return p->n_funcs;
}

/*
 * Records and functions together.  Each function's records must be one
 * run with addresses that never go down, or the lookup below would lie.
 */
static int prog_map_records(struct prog *p, const struct raw_info *raw)
{
	__u32 i, f, cur = UINT32_MAX;

	for (f = 0; f < p->n_funcs; f++) {
		struct func *fn = &p->funcs[f];

		fn->start = raw->ksyms[f];
		fn->len = raw->flens[f];
		memcpy(fn->sym_prefix, "bpf_prog_", 9);
		hex_tag(fn->sym_prefix + 9, raw->tags[f]);
		memcpy(fn->sym_prefix + 9 + 2 * BPF_TAG_SIZE, "_", 2);
	}
	for (i = 0; i < p->n_recs; i++) {
		struct line_rec *r = &p->recs[i];

		r->addr = raw->jlines[i];
		r->insn_off = raw->lines[i].insn_off;
		r->line = BPF_LINE_INFO_LINE_NUM(raw->lines[i].line_col);
		r->col = BPF_LINE_INFO_LINE_COL(raw->lines[i].line_col);
		r->file = btf_str(p->btf, raw->lines[i].file_name_off, "?");
		r->src = btf_str(p->btf, raw->lines[i].line_off, "");
		f = func_of_record(p, r->addr);
		if (f == p->n_funcs)
			return fail("program %u: line record %u at 0x%llx is in none of its "
				    "functions",
				    p->id, i, (unsigned long long)r->addr);
		if (f != cur) {
			if (p->funcs[f].end)
				return fail("program %u: the line records of function %u are not "
					    "one run",
					    p->id, f);
			p->funcs[f].first = i;
			cur = f;
		} else if (r->addr < p->recs[i - 1].addr) {
			return fail("program %u: line record %u goes back in the JITed code", p->id,
				    i);
		}
		p->funcs[f].end = i + 1;
	}
	return 0;
}

static int prog_open(int fd, __u32 id)
{
	struct raw_info raw = {0};
	struct prog *p;
	int i, err;

	for (i = 0; i < n_progs; i++)
		if (progs[i].id == id) {
			close(fd); /* named twice: once is enough */
			return 0;
		}
	if (n_progs == MAX_PROGS) {
		close(fd);
		return fail("more than %d programs to profile", MAX_PROGS);
	}
	p = &progs[n_progs++];
	p->id = id;
	p->fd = fd;
	err = prog_read_info(p, &raw) || prog_map_records(p, &raw);
	raw_info_free(&raw);
	return err ? -1 : 0;
}

static int prog_open_id(__u32 id)
{
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return fail("no program with id %u: %s", id, strerror(errno));
	return prog_open(fd, id);
}

/* Every loaded program called @name (the kernel keeps 15 characters of it). */
static int prog_open_name(const char *name)
{
	struct bpf_prog_info info;
	__u32 id = 0, len;
	int fd, found = 0;

	if (strlen(name) >= BPF_OBJ_NAME_LEN)
		return fail("program name '%s' is longer than the kernel keeps (%d characters)",
			    name, BPF_OBJ_NAME_LEN - 1);
	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue; /* unloaded meanwhile */
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || strcmp(info.name, name)) {
			close(fd);
			continue;
		}
		if (prog_open(fd, id))
			return -1;
		found++;
	}
	if (errno != ENOENT)
		return fail("cannot list the loaded programs: %s", strerror(errno));
	return found ? 0 : fail("no loaded program is called '%s'", name);
}

/* ---- Addresses to lines ------------------------------------------------- */

static bool prog_func_at(__u64 addr, struct prog **pp, struct func **fp)
{
	__u32 f;
	int i;

	for (i = 0; i < n_progs; i++)
		for (f = 0; f < progs[i].n_funcs; f++) {
			struct func *fn = &progs[i].funcs[f];

			if (addr >= fn->start && addr - fn->start < fn->len) {
				*pp = &progs[i];
				*fp = fn;
				return true;
			}
		}
	return false;
}

/* The record whose code holds @addr: the last one that starts at or before it. */
static struct line_rec *rec_at(struct prog *p, const struct func *f, __u64 addr)
{
	__u32 lo = f->first, hi = f->end, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->recs[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > f->first ? &p->recs[lo - 1] : NULL;
}

/*
 * The line a sample at @addr belongs to.  A return address (a caller's
 * frame) belongs to the call.  So does an interrupted address that is the
 * first instruction of a record whose preceding instruction is a call:
 * the call just returned there.
 */
static struct line_rec *line_of(struct prog *p, const struct func *f, __u64 addr, bool ret_addr)
{
	struct line_rec *r;

	if (ret_addr)
		return rec_at(p, f, addr - 1);
	r = rec_at(p, f, addr);
	if (r && r->addr == addr && r > &p->recs[f->first] && r->insn_off > 0 &&
	    r->insn_off <= p->n_insns && p->insns[r->insn_off - 1].code == (BPF_JMP | BPF_CALL)) {
		p->after_call++;
		return rec_at(p, f, addr - 1);
	}
	return r;
}

/* ---- Samples ------------------------------------------------------------ */

/* Where a sample's time went, by its innermost frame and its callers. */
enum sample_class {
	SC_OWN,	      /* a profiled program's own code */
	SC_CALLED,    /* a function a profiled program called */
	SC_CLOCK,     /* clock reads called from elsewhere */
	SC_TEST_RUN,  /* the kernel's BPF_PROG_TEST_RUN loop */
	SC_OTHER_BPF, /* BPF programs not profiled */
	SC_ELSEWHERE,
	SC_MAX,
};

static const char *const class_key[SC_MAX] = {
	"own_code", "called_by_programs", "clock_other", "test_run", "other_bpf", "elsewhere",
};
static const char *const class_text[SC_MAX] = {
	"in the programs' own code",
	"in functions they called",
	"clock reads called from elsewhere",
	"BPF test-run loop",
	"other BPF programs",
	"elsewhere",
};

/* Symbol prefixes: what reads the clock, what is the test loop. */
static const char *const clock_syms[] = {"read_tsc",  "ktime_get", "bpf_ktime_get",
					 "kvm_clock", "pvclock",   NULL};
static const char *const test_run_syms[] = {"bpf_test_run",	  "bpf_test_timer",
					    "bpf_prog_test_run",  "xdp_test_run",
					    "bpf_dispatcher_xdp", NULL};

static bool sym_is(const char *sym, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (!strncmp(sym, *prefixes, strlen(*prefixes)))
			return true;
	return false;
}

struct frame {
	__u64 addr;
	char sym[SYM_LEN];
};

struct sym_count {
	char sym[SYM_LEN];
	__u64 n;
};

struct tally {
	__u64 samples, class_n[SC_MAX];
	struct sym_count elsewhere[MAX_SYMS];
	int n_elsewhere;
	__u64 elsewhere_overflow; /* samples of symbols beyond MAX_SYMS */
};

static void tally_elsewhere(struct tally *t, const char *sym)
{
	int i;

	for (i = 0; i < t->n_elsewhere; i++)
		if (!strcmp(t->elsewhere[i].sym, sym)) {
			t->elsewhere[i].n++;
			return;
		}
	if (t->n_elsewhere == MAX_SYMS) {
		t->elsewhere_overflow++;
		return;
	}
	snprintf(t->elsewhere[t->n_elsewhere].sym, SYM_LEN, "%s", sym);
	t->elsewhere[t->n_elsewhere++].n = 1;
}

static void sample_add(struct tally *t, const struct frame *fr, int n)
{
	enum sample_class c = SC_ELSEWHERE;
	bool clock = sym_is(fr[0].sym, clock_syms); /* in a clock read, called from anywhere */
	struct line_rec *r;
	struct prog *p;
	struct func *f;
	int i;

	/* Frames past an interrupt entry (x86 asm_*) are what it interrupted, not callers. */
	for (i = 1; i < n; i++)
		if (!strncmp(fr[i].sym, "asm_", 4))
			n = i;
	t->samples++;
	if (prog_func_at(fr[0].addr, &p, &f)) {
		c = SC_OWN;
		p->self++;
		if (strncmp(fr[0].sym, f->sym_prefix, strlen(f->sym_prefix)))
			p->misnamed++;
		r = line_of(p, f, fr[0].addr, false);
		if (r)
			r->self++;
		else
			p->unmapped++;
		goto out;
	}
	for (i = 1; i < n; i++) {
		/* A caller's frame is a return address: the call is the byte before it. */
		if (!prog_func_at(fr[i].addr - 1, &p, &f)) {
			clock |= sym_is(fr[i].sym, clock_syms);
			continue;
		}
		c = SC_CALLED;
		p->callee++;
		if (clock)
			p->callee_clock++;
		r = line_of(p, f, fr[i].addr, true);
		if (r)
			r->callee++;
		else
			p->unmapped++;
		goto out;
	}
	if (sym_is(fr[0].sym, test_run_syms))
		c = SC_TEST_RUN;
	else if (!strncmp(fr[0].sym, "bpf_prog_", 9))
		c = SC_OTHER_BPF;
	else if (clock)
		c = SC_CLOCK;
	else
		for (i = 1; i < n && c == SC_ELSEWHERE; i++)
			if (sym_is(fr[i].sym, test_run_syms))
				c = SC_TEST_RUN;
	if (c == SC_ELSEWHERE)
		tally_elsewhere(t, fr[0].sym);
out:
	t->class_n[c]++;
}

/* "ADDRESS SYMBOL" as perf script -F ip,sym prints it; false if it is not that. */
static bool frame_parse(const char *line, struct frame *fr)
{
	const char *s = line + strspn(line, " \t");
	char *end;
	size_t n;

	errno = 0;
	fr->addr = strtoull(s, &end, 16);
	if (errno || end == s || (*end && *end != ' ' && *end != '\t' && *end != '\n'))
		return false;
	s = end + strspn(end, " \t");
	n = strcspn(s, "\n");
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (!n)
		s = "[unknown]", n = 9;
	if (n >= SYM_LEN)
		n = SYM_LEN - 1;
	memcpy(fr->sym, s, n);
	fr->sym[n] = 0;
	return true;
}

/*
 * Without callchains every line is a sample.  With them perf prints each
 * sample as tab-indented frames, innermost first, and a blank line.
 */
static int samples_read(FILE *in, struct tally *t)
{
	static struct frame fr[MAX_FRAMES];
	unsigned long lineno = 0;
	char line[512];
	size_t len;
	int n = 0;

	while (fgets(line, sizeof(line), in)) {
		len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			int ch;

			while ((ch = fgetc(in)) != EOF && ch != '\n')
				; /* a symbol that long is cut; the rest of its line is dropped */
		}
		if (++lineno > MAX_INPUT_LINES) {
			say_error("warning: input cut after %lu lines", MAX_INPUT_LINES);
			break;
		}
		if (line[strspn(line, " \t\r\n")] == 0) {
			if (n)
				sample_add(t, fr, n);
			n = 0;
			continue;
		}
		if (line[0] != '\t' && n) {
			sample_add(t, fr, n); /* no blank line between samples: no callchains */
			n = 0;
		}
		if (n == MAX_FRAMES)
			continue; /* the outermost frames: the program is not that deep */
		if (!frame_parse(line, &fr[n]))
			return fail("line %lu: expected 'ADDRESS SYMBOL' (perf script -F ip,sym)",
				    lineno);
		n++;
	}
	if (ferror(in))
		return fail("cannot read the samples: %s", strerror(errno));
	if (n)
		sample_add(t, fr, n);
	if (!t->samples)
		return fail("no samples on stdin (perf script -F ip,sym output expected)");
	return 0;
}

/* ---- Report ------------------------------------------------------------- */

/* One source line: its records' samples summed. */
struct src_line {
	const struct line_rec *rec; /* the first record of it, for file, line and text */
	__u64 self, callee;
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int cmp_rec_ptr_by_line(const void *a, const void *b)
{
	const struct line_rec *x = *(const struct line_rec *const *)a;
	const struct line_rec *y = *(const struct line_rec *const *)b;
	int c = strcmp(x->file, y->file);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->insn_off < y->insn_off ? -1 : x->insn_off > y->insn_off;
}

static int cmp_src_line_by_samples(const void *a, const void *b)
{
	const struct src_line *x = a, *y = b;
	__u64 nx = x->self + x->callee, ny = y->self + y->callee;

	if (nx != ny)
		return nx > ny ? -1 : 1;
	return cmp_rec_ptr_by_line(&x->rec, &y->rec);
}

/* The program's lines with samples, most first; NULL on no memory. */
static struct src_line *lines_sorted(const struct prog *p, __u32 *n_out)
{
	const struct line_rec **by_line = calloc(p->n_recs, sizeof(*by_line));
	struct src_line *out = calloc(p->n_recs, sizeof(*out));
	__u32 i, n = 0;

	if (!by_line || !out) {
		free(by_line);
		free(out);
		return NULL;
	}
	for (i = 0; i < p->n_recs; i++)
		by_line[i] = &p->recs[i];
	qsort(by_line, p->n_recs, sizeof(*by_line), cmp_rec_ptr_by_line);
	for (i = 0; i < p->n_recs; i++) {
		const struct line_rec *r = by_line[i];

		if (!n || strcmp(out[n - 1].rec->file, r->file) || out[n - 1].rec->line != r->line)
			out[n++].rec = r;
		out[n - 1].self += r->self;
		out[n - 1].callee += r->callee;
	}
	free(by_line);
	qsort(out, n, sizeof(*out), cmp_src_line_by_samples);
	*n_out = n;
	return out;
}

/* The source text trimmed: no leading blanks, tabs as spaces, at most @width characters. */
static void src_trim(char *dst, size_t size, const char *src, size_t width)
{
	size_t n = 0;

	src += strspn(src, " \t");
	for (; *src && n + 1 < size && n < width; src++)
		dst[n++] = *src == '\t' ? ' ' : *src;
	while (n && dst[n - 1] == ' ')
		n--;
	if (*src && n >= 3 && n == width) /* cut: say so */
		memcpy(dst + n - 3, "...", 3);
	dst[n] = 0;
}

static double pct(__u64 part, __u64 whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void prog_header(const struct prog *p)
{
	printf("\nprogram %u %s  tag %s  %u xlated insns, %u verified, %u JITed bytes, "
	       "%u function%s, %u line records\n",
	       p->id, p->name, p->tag, p->n_insns, p->verified_insns, p->jited_bytes, p->n_funcs,
	       p->n_funcs == 1 ? "" : "s", p->n_recs);
}

static int prog_report(const struct prog *p, unsigned int top)
{
	__u64 total = p->self + p->callee;
	struct src_line *lines;
	char src[SRC_WIDTH + 1], where[48];
	__u32 n, i, shown = 0;

	prog_header(p);
	printf("samples %llu: own code %llu, functions it called %llu (clock %llu)\n",
	       (unsigned long long)total, (unsigned long long)p->self,
	       (unsigned long long)p->callee, (unsigned long long)p->callee_clock);
	if (p->misnamed)
		printf("warning: perf named %llu of its samples after another function than "
		       "bpf_prog_<tag of the function at their address>\n",
		       (unsigned long long)p->misnamed);
	if (p->after_call)
		printf("%llu own samples were on the instruction after a call: charged to the "
		       "call\n",
		       (unsigned long long)p->after_call);
	if (p->unmapped)
		printf("warning: %llu samples were before its first line record\n",
		       (unsigned long long)p->unmapped);
	lines = lines_sorted(p, &n);
	if (!lines)
		return fail("out of memory");
	printf("%7s %8s %7s %7s  %-24s %s\n", "%prog", "samples", "self", "callee", "line",
	       "source");
	for (i = 0; i < n && shown < top; i++) {
		__u64 s = lines[i].self + lines[i].callee;

		if (!s)
			break;
		snprintf(where, sizeof(where), "%s:%u", base_name(lines[i].rec->file),
			 lines[i].rec->line);
		src_trim(src, sizeof(src), lines[i].rec->src, SRC_WIDTH);
		if (!lines[i].rec->line)
			snprintf(src, sizeof(src), "(line 0: code the compiler gave no line)");
		printf("%6.2f%% %8llu %7llu %7llu  %-24s %s\n", pct(s, total),
		       (unsigned long long)s, (unsigned long long)lines[i].self,
		       (unsigned long long)lines[i].callee, where, src);
		shown++;
	}
	if (i < n && lines[i].self + lines[i].callee)
		printf("(more lines with samples: --top N, or --json)\n");
	free(lines);
	return 0;
}

static int cmp_sym_count(const void *a, const void *b)
{
	const struct sym_count *x = a, *y = b;

	return x->n != y->n ? (x->n > y->n ? -1 : 1) : strcmp(x->sym, y->sym);
}

static int cmp_prog_by_samples(const void *a, const void *b)
{
	const struct prog *x = a, *y = b;
	__u64 nx = x->self + x->callee, ny = y->self + y->callee;

	return nx != ny ? (nx > ny ? -1 : 1) : (x->id > y->id) - (x->id < y->id);
}

static int report(struct tally *t, unsigned int top)
{
	int c, i, idle = 0;

	qsort(t->elsewhere, (size_t)t->n_elsewhere, sizeof(t->elsewhere[0]), cmp_sym_count);
	qsort(progs, (size_t)n_progs, sizeof(progs[0]), cmp_prog_by_samples);
	printf("samples %llu, by where the time went:\n", (unsigned long long)t->samples);
	for (c = 0; c < SC_MAX; c++)
		printf("  %-36s %9llu %6.2f%%\n", class_text[c], (unsigned long long)t->class_n[c],
		       pct(t->class_n[c], t->samples));
	if (t->n_elsewhere) {
		printf("  elsewhere, most:");
		for (i = 0; i < t->n_elsewhere && i < TOP_ELSEWHERE; i++)
			printf(" %s %llu", t->elsewhere[i].sym,
			       (unsigned long long)t->elsewhere[i].n);
		printf("\n");
	}
	for (i = 0; i < n_progs; i++) {
		if (!(progs[i].self + progs[i].callee)) {
			idle++;
			continue;
		}
		if (prog_report(&progs[i], top))
			return -1;
	}
	if (idle) {
		printf("\nwithout samples:");
		for (i = 0; i < n_progs; i++)
			if (!(progs[i].self + progs[i].callee))
				printf(" %u (%s)", progs[i].id, progs[i].name);
		printf("\n");
	}
	return 0;
}

/* ---- JSON --------------------------------------------------------------- */

static struct json_object *json_u64(__u64 v)
{
	return json_object_new_int64((int64_t)v);
}

static struct json_object *prog_json(const struct prog *p)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array(), *l;
	__u64 total = p->self + p->callee;
	struct src_line *lines;
	char src[512];
	__u32 n, i;

	json_object_object_add(o, "id", json_u64(p->id));
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "tag", json_object_new_string(p->tag));
	json_object_object_add(o, "xlated_insns", json_u64(p->n_insns));
	json_object_object_add(o, "verified_insns", json_u64(p->verified_insns));
	json_object_object_add(o, "jited_bytes", json_u64(p->jited_bytes));
	json_object_object_add(o, "functions", json_u64(p->n_funcs));
	json_object_object_add(o, "line_records", json_u64(p->n_recs));
	json_object_object_add(o, "samples", json_u64(total));
	json_object_object_add(o, "self", json_u64(p->self));
	json_object_object_add(o, "callee", json_u64(p->callee));
	json_object_object_add(o, "callee_clock", json_u64(p->callee_clock));
	json_object_object_add(o, "unmapped", json_u64(p->unmapped));
	json_object_object_add(o, "misnamed", json_u64(p->misnamed));
	json_object_object_add(o, "after_call", json_u64(p->after_call));
	json_object_object_add(o, "lines", arr);
	lines = lines_sorted(p, &n);
	if (!lines) {
		json_object_put(o);
		return NULL;
	}
	for (i = 0; i < n && lines[i].self + lines[i].callee; i++) {
		l = json_object_new_object();
		src_trim(src, sizeof(src), lines[i].rec->src, sizeof(src) - 1);
		json_object_object_add(l, "file", json_object_new_string(lines[i].rec->file));
		json_object_object_add(l, "line", json_u64(lines[i].rec->line));
		json_object_object_add(l, "source", json_object_new_string(src));
		json_object_object_add(l, "samples", json_u64(lines[i].self + lines[i].callee));
		json_object_object_add(l, "self", json_u64(lines[i].self));
		json_object_object_add(l, "callee", json_u64(lines[i].callee));
		json_object_object_add(
			l, "percent_of_program",
			json_object_new_double(pct(lines[i].self + lines[i].callee, total)));
		json_object_array_add(arr, l);
	}
	free(lines);
	return o;
}

static int json_write(const char *path, const struct tally *t)
{
	struct json_object *root = json_object_new_object(), *cls = json_object_new_object();
	struct json_object *top = json_object_new_array(), *arr = json_object_new_array(), *o;
	int c, i, err;

	json_object_object_add(root, "samples", json_u64(t->samples));
	for (c = 0; c < SC_MAX; c++)
		json_object_object_add(cls, class_key[c], json_u64(t->class_n[c]));
	json_object_object_add(root, "classes", cls);
	for (i = 0; i < t->n_elsewhere && i < TOP_ELSEWHERE; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "symbol", json_object_new_string(t->elsewhere[i].sym));
		json_object_object_add(o, "samples", json_u64(t->elsewhere[i].n));
		json_object_array_add(top, o);
	}
	json_object_object_add(root, "elsewhere_top", top);
	json_object_object_add(root, "programs", arr);
	for (i = 0; i < n_progs; i++) {
		o = prog_json(&progs[i]);
		if (!o) {
			json_object_put(root);
			return fail("out of memory");
		}
		json_object_array_add(arr, o);
	}
	err = json_object_to_file_ext(path, root,
				      JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(root);
	return err ? fail("cannot write %s: %s", path, strerror(errno)) : 0;
}

/* ---- Records (for comparison with bpftool's linum dump) ------------------ */

static void records_print(const struct prog *p)
{
	char src[SRC_WIDTH + 1];
	__u32 f, i;

	prog_header(p);
	printf("%6s  %-10s %-40s %s\n", "insn", "jited", "file:line:col", "source");
	for (f = 0; f < p->n_funcs; f++)
		for (i = p->funcs[f].first; i < p->funcs[f].end; i++) {
			const struct line_rec *r = &p->recs[i];
			char where[256];

			snprintf(where, sizeof(where), "%s:%u:%u", r->file, r->line, r->col);
			src_trim(src, sizeof(src), r->src, SRC_WIDTH);
			printf("%6u  f%u+0x%-5llx %-40s %s\n", r->insn_off, f,
			       (unsigned long long)(r->addr - p->funcs[f].start), where, src);
		}
}

/* ---- Options ------------------------------------------------------------ */

static int parse_uint(const char *arg, const char *what, unsigned long min, unsigned long max,
		      unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || *val < min || *val > max)
		return fail("bad %s '%s': expected %lu-%lu", what, arg, min, max);
	return 0;
}

static void usage(void)
{
	printf("usage: profile {--id N | --name NAME}... [--top N] [--json FILE] < SAMPLES\n"
	       "       profile {--id N | --name NAME}... --records\n"
	       "SAMPLES: perf script -F ip,sym output (perf record -g adds callers).\n");
}

/* --id and --name in the order given, opened once the whole command line is known good. */
struct wanted {
	const char *name; /* NULL: by id */
	__u32 id;
};

static int programs_open(const struct wanted *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (w[i].name ? prog_open_name(w[i].name) : prog_open_id(w[i].id))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"id", required_argument, NULL, 'i'},
		{"name", required_argument, NULL, 'n'},
		{"top", required_argument, NULL, 't'},
		{"json", required_argument, NULL, 'j'},
		{"records", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static struct tally tally;
	struct wanted wanted[MAX_PROGS];
	const char *json_path = NULL;
	unsigned long v = 0, top = TOP_DEFAULT;
	bool records = false;
	int c, i, n_wanted = 0, err;

	libbpf_set_print(libbpf_quiet);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
		case 'n':
			if (n_wanted == MAX_PROGS) {
				say_error("more than %d --id and --name options", MAX_PROGS);
				return 1;
			}
			wanted[n_wanted].name = c == 'n' ? optarg : NULL;
			if (c == 'i' && parse_uint(optarg, "program id", 1, UINT32_MAX, &v))
				return 1;
			wanted[n_wanted++].id = (__u32)v;
			break;
		case 't':
			if (parse_uint(optarg, "top", 1, TOP_MAX, &top))
				return 1;
			break;
		case 'j':
			json_path = optarg;
			break;
		case 'r':
			records = true;
			break;
		case 'h':
			usage();
			return 0;
		default:
			say_error("unknown or incomplete option '%s'; see --help",
				  argv[optind - 1]);
			return 1;
		}
	}
	if (optind < argc) {
		say_error("unexpected argument '%s'; see --help", argv[optind]);
		return 1;
	}
	if (!n_wanted) {
		say_error("no program: give --id N or --name NAME; see --help");
		return 1;
	}
	if (programs_open(wanted, n_wanted))
		return 1;
	if (records) {
		for (i = 0; i < n_progs; i++)
			records_print(&progs[i]);
		return 0;
	}
	err = samples_read(stdin, &tally) || report(&tally, (unsigned int)top) ||
	      (json_path && json_write(json_path, &tally));
	return err ? 1 : 0;
}
