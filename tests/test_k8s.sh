#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The Kubernetes deployment (deploy/kubernetes/, Containerfile):
# - the manifests validate against the Kubernetes OpenAPI schemas
#   (tools/k8s-validate.js, kubernetes-models' bundled schemas), and broken
#   copies of them do not;
# - the DaemonSet asks for what the systemd unit has, no more;
# - its entry point runs as the DaemonSet runs it, with no container engine:
#   a network namespace stands in for the node (hostNetwork), a private
#   mount namespace for the container, with a bpffs of its own bind-mounted
#   at /sys/fs/bpf as the hostPath is, the ConfigMap's file at
#   /etc/stampede/stampede.conf and the binary at /usr/sbin/stampede (the
#   image's paths, overlays on the host's directories).  It attaches,
#   answers `stampede probe` from a peer namespace, serves the metrics on
#   the annotated port, and the readiness probe's command says ready only
#   while a reflector is attached.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

K8S=$TOP/deploy/kubernetes
NPM_MODULES=$BUILD/npm/node_modules
NS_R=stk${RUN_TAG}n # the node
NS_S=stk${RUN_TAG}p # a peer on the node's link
IF_R=stk${RUN_TAG}n0
IF_S=stk${RUN_TAG}p0
R4=198.18.8.1
S4=198.18.8.2

validate() { NODE_PATH=$NPM_MODULES node "$TOP/tools/k8s-validate.js" "$@"; }
# yaml2json FILE: the first document of FILE as JSON.
yaml2json() {
	NODE_PATH=$NPM_MODULES node -e \
		'console.log(JSON.stringify(require("js-yaml").load(require("fs").readFileSync(process.argv[1], "utf8"))))' "$1"
}

why=""
command -v node >/dev/null 2>&1 || why="needs node (apt-get install nodejs)"
[ -z "$why" ] && [ ! -d "$NPM_MODULES/kubernetes-models" ] &&
	why="needs the npm packages in $BUILD/npm (make test-deps)"
if [ -n "$why" ]; then
	skip k8s "$why"
	exit 0
fi

# ---- the manifests against the schemas --------------------------------------
if validate "$K8S"/*.yaml >"$T/valid.out" 2>&1 && [ "$(grep -c '^ok ' "$T/valid.out")" = 3 ]; then
	pass k8s/manifests/valid
else
	fail k8s/manifests/valid "$(oneline "$(cat "$T/valid.out")")"
fi
# broken NAME SED: a copy of the DaemonSet edited by SED must be refused.
broken() {
	sed "$2" "$K8S/daemonset.yaml" >"$T/$1.yaml"
	if cmp -s "$K8S/daemonset.yaml" "$T/$1.yaml"; then
		fail "k8s/manifests/rejects-$1" "the edit '$2' changed nothing"
	elif validate "$T/$1.yaml" >"$T/$1.out" 2>&1; then
		fail "k8s/manifests/rejects-$1" "the validator accepted it: $(oneline "$(cat "$T/$1.out")")"
	elif grep -q "^invalid .*$3" "$T/$1.out"; then
		pass "k8s/manifests/rejects-$1"
	else
		fail "k8s/manifests/rejects-$1" "refused, but not for /$3/: $(oneline "$(cat "$T/$1.out")")"
	fi
}
broken host-network-string 's/hostNetwork: true/hostNetwork: "yes"/' 'hostNetwork must be boolean'
broken port-name-as-number 's/containerPort: 9862/containerPort: metrics/' 'containerPort must be integer'
broken no-container-name 's/- name: stampede$/- nam: stampede/' 'containers/0 must have required property name'
broken no-selector 's/^  selector:/  selectr:/' 'spec must have required property selector'
printf 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: [\n' >"$T/yaml.yaml"
check k8s/manifests/rejects-bad-yaml "a YAML syntax error was accepted" eval '! validate "$T/yaml.yaml" >/dev/null 2>&1'

# ---- what the DaemonSet asks for ---------------------------------------------
yaml2json "$K8S/daemonset.yaml" >"$T/ds.json"
yaml2json "$K8S/configmap.yaml" >"$T/cm.json"
unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$TOP/deploy/systemd/stampede.service" |
	tr ' ' '\n' | sed 's/^CAP_//' | sort | tr '\n' ' ')
ds_caps=$(jq -r '.spec.template.spec.containers[0].securityContext.capabilities.add[]' "$T/ds.json" |
	sort | tr '\n' ' ')
check k8s/daemonset/capabilities "DaemonSet adds '$ds_caps', the unit has '$unit_caps'" test "$ds_caps" = "$unit_caps"
check k8s/daemonset/shape "hostNetwork, drop ALL, not privileged, the bpffs hostPath, tolerate all" jq_ok '
	.spec.template.spec as $p | $p.containers[0] as $c |
	$p.hostNetwork == true and $c.securityContext.capabilities.drop == ["ALL"] and
	$c.securityContext.privileged == false and
	([$p.volumes[] | select(.hostPath.path == "/sys/fs/bpf")] | length) == 1 and
	([$c.volumeMounts[] | select(.mountPath == "/sys/fs/bpf")] | length) == 1 and
	($p.tolerations | any(.operator == "Exists" and (has("key") | not)))' "$T/ds.json"
port=$(jq -r '.spec.template.spec.containers[0].ports[] | select(.name == "metrics") | .containerPort' "$T/ds.json")
ann=$(jq -r '.spec.template.metadata.annotations["prometheus.io/port"]' "$T/ds.json")
listen=$(jq -r '.data["stampede.conf"]' "$T/cm.json" | sed -n 's/^listen *= *//p')
check k8s/daemonset/metrics-port "container port $port, annotation $ann, ConfigMap listen $listen" \
	test "$port" = "$ann" -a "${listen##*:}" = "$port"
check k8s/no-rbac "a manifest names RBAC objects, which the agent does not need" \
	eval "! grep -qE '^kind: *(Role|ClusterRole|RoleBinding|ClusterRoleBinding|ServiceAccount)' $K8S/*.yaml"

# ---- the entry point as the DaemonSet runs it ------------------------------------
why=$(root_missing)$(build_missing "$STAMPEDE")
if [ -n "$why" ]; then
	skip k8s/entrypoint "$why"
	finish
fi
testbed_new || {
	fail k8s/entrypoint/setup "cannot build the testbed"
	finish
}
ip -n "$NS_R" route add default via "$S4" dev "$IF_R"
# The node's bpffs (the hostPath's source): an instance of our own.
mkdir -p "$T/hostbpf" && mount -t bpf bpf "$T/hostbpf" || {
	fail k8s/entrypoint/setup "cannot mount a bpffs"
	finish
}
defer "umount -l '$T/hostbpf'"
# The image's files: the ConfigMap's key and the binary, as overlays.
mkdir -p "$T/etc/stampede" "$T/sbin"
jq -r '.data["stampede.conf"]' "$T/cm.json" >"$T/etc/stampede/stampede.conf"
cp "$STAMPEDE" "$T/sbin/stampede"
cat >"$T/pod.sh" <<POD
#!/bin/sh
# In a private mount namespace of the node's network namespace: the
# container, its hostPath and ConfigMap volumes and its image's binary.
# Each run has upper and work directories of its own: overlayfs refuses
# (or warns of) an upper directory another overlay mount still holds, and
# the mounts of an earlier run's namespace go away only when the kernel
# gets to it.
u=\$(mktemp -d "$T/pod.XXXXXX") &&
	cp -a "$T/etc" "\$u/etc" && cp -a "$T/sbin" "\$u/sbin" &&
	mkdir "\$u/etc.work" "\$u/sbin.work" &&
	mount --bind "$T/hostbpf" /sys/fs/bpf &&
	mount -t overlay overlay -o "lowerdir=/etc,upperdir=\$u/etc,workdir=\$u/etc.work" /etc &&
	mount -t overlay overlay -o "lowerdir=/usr/sbin,upperdir=\$u/sbin,workdir=\$u/sbin.work" /usr/sbin ||
	exit 99
exec "\$@"
POD
chmod +x "$T/pod.sh"
in_pod() { nsenter --net="/run/netns/$NS_R" unshare -m --propagation private "$T/pod.sh" "$@"; }
mapfile -t entry < <(jq -r '.spec.template.spec.containers[0].command[]' "$T/ds.json")
mapfile -t ready < <(jq -r '.spec.template.spec.containers[0].readinessProbe.exec.command[]' "$T/ds.json")
defer "in_pod /usr/sbin/stampede reflector detach dev '$IF_R'"

in_pod "${ready[@]}" >/dev/null 2>&1
rc=$?
check k8s/readiness/not-before-attach "the readiness command exited $rc with nothing attached, want 1" test "$rc" = 1

# exec: $! is then the agent itself (nsenter, unshare and pod.sh exec too).
(exec nsenter --net="/run/netns/$NS_R" unshare -m --propagation private "$T/pod.sh" "${entry[@]}") \
	>"$T/agent.out" 2>&1 &
agent=$!
defer "stop_process $agent"
for ((i = 0; i < 100; i++)); do
	in_pod "${ready[@]}" >/dev/null 2>&1 && break
	kill -0 "$agent" 2>/dev/null || break
	sleep 0.1
done
in_pod "${ready[@]}" >/dev/null 2>&1
check k8s/readiness/after-attach "the readiness command still fails (agent: $(oneline "$(cat "$T/agent.out")"))" test $? = 0
check k8s/entrypoint/attached "the agent did not attach to the default route's $IF_R: $(oneline "$(cat "$T/agent.out")")" \
	grep -q "$IF_R" "$T/agent.out"
check k8s/entrypoint/pins-in-hostpath "no pins under the hostPath's bpffs: $(find "$T/hostbpf" | head -5 | tr '\n' ' ')" \
	eval "find '$T/hostbpf/stampede' -name link | grep -q '/$IF_R/link'"
ip netns exec "$NS_S" "$STAMPEDE" -j probe "$R4" count 5 interval 10 >"$T/probe.json" 2>"$T/probe.err"
check k8s/entrypoint/probe-answered "$(jq -r .received "$T/probe.json" 2>/dev/null) of 5 answered: $(oneline "$(cat "$T/probe.err")")" \
	jq_ok '.received == 5' "$T/probe.json"
for ((i = 0; i < 50; i++)); do
	ip netns exec "$NS_R" curl -sf "http://$R4:$port/metrics" >"$T/metrics" 2>/dev/null && break
	sleep 0.1
done
check k8s/entrypoint/metrics "no 'stampede_reflectors 1' at http://$R4:$port/metrics: $(oneline "$(head -5 "$T/metrics")")" \
	grep -qx 'stampede_reflectors 1' "$T/metrics"

# Ready means attached: a reflector detached from under the agent is not.
in_pod /usr/sbin/stampede reflector detach dev "$IF_R" >/dev/null 2>&1
in_pod "${ready[@]}" >/dev/null 2>&1
rc=$?
check k8s/readiness/not-after-detach "the readiness command exited $rc after the detach, want 1" test "$rc" = 1
# ---- a pod's own address: stampede inside the pod's network namespace ---------
# The pod: a namespace with a process in it (the pod's sandbox), its veth's
# host side in the node's namespace; reached as /proc/PID/ns/net, as a
# node-level stampede reaches a container's.
NS_P=stk${RUN_TAG}q
ns_new "$NS_P" && ip -n "$NS_R" link add "stk${RUN_TAG}h" type veth peer name eth0 netns "$NS_P" &&
	ip -n "$NS_R" link set "stk${RUN_TAG}h" up && ip -n "$NS_P" link set eth0 up &&
	ip -n "$NS_R" addr add 198.18.9.1/24 dev "stk${RUN_TAG}h" && ip -n "$NS_P" addr add 198.18.9.2/24 dev eth0
(exec ip netns exec "$NS_P" sleep 600) &
pod=$!
defer "stop_process $pod"
defer "'$STAMPEDE' -n /proc/$pod/ns/net reflector detach dev eth0"
sleep 0.2
expect_json k8s/pod/attach '.mode == "generic"' -j -n "/proc/$pod/ns/net" reflector attach dev eth0
ip netns exec "$NS_R" "$STAMPEDE" -j probe 198.18.9.2 count 5 interval 10 >"$T/pod.json" 2>"$T/pod.err"
check k8s/pod/probe-answered "$(jq -r .received "$T/pod.json" 2>/dev/null) of 5 answered: $(oneline "$(cat "$T/pod.err")")" \
	jq_ok '.received == 5' "$T/pod.json"
expect_ok k8s/pod/detach -n "/proc/$pod/ns/net" reflector detach dev eth0

stop_process "$agent"
check k8s/entrypoint/agent-stopped "the agent (pid $agent) outlived SIGINT and SIGKILL" eval "! kill -0 $agent 2>/dev/null"
finish
