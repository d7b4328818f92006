#!/usr/bin/env bash
# Cluster failover, measured by hand (docs/performance.md#cluster-failover): two home agent
# processes (./mip6kit ha run) in network namespaces on one bridged link, with a third namespace
# as a neighbour on the link. Member ha-b is killed with SIGKILL; the script prints how long until
# its address is on ha-a's interface, the neighbour's cache entry for it, and whether it answers
# a ping; then restarts ha-b and shows the hand-back. Needs root and iproute2. Documentation
# addresses only; namespaces and processes are removed on exit.
#   sudo benchmarks/cluster-failover.sh
set -u
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
S=$RANDOM; A=cfa$S; B=cfb$S; C=cfc$S; BR=cfbr$S
work="$(mktemp -d /tmp/mip6kit-cluster-failover.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for n in $A $B $C; do ip netns del "$n" 2>/dev/null; done
  ip link del "$BR" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
ip netns add $A; ip netns add $B; ip netns add $C
ip link add $BR type bridge; ip link set $BR up
for n in $A $B $C; do
  ip link add v$n type veth peer name e0 netns $n; ip link set v$n master $BR up
  ip -n $n link set e0 up; ip -n $n link set lo up
done
ip -n $A addr add 2001:db8:1::a/64 dev e0 nodad; ip -n $A addr add 192.0.2.1/24 dev e0
ip -n $B addr add 2001:db8:1::b/64 dev e0 nodad; ip -n $B addr add 192.0.2.2/24 dev e0
ip -n $C addr add 2001:db8:1::c/64 dev e0 nodad
(umask 077; printf 'mn1@example.org 4242 hmac-sha1 key=%s\n' "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" > ha.keys)
for m in a b; do
  ip=$([ $m = a ] && echo 1 || echo 2)
  cat > ha-$m.yaml <<EOT
home-agent: { address: "2001:db8:1::$m", home-prefixes: [2001:db8:1::/64], shutdown-timeout: 2s }
transport: { udp: { bind: "2001:db8:1::$m", port: 4191 } }
admin: { socket: ha-$m.sock }
cluster:
  enabled: true
  member-name: ha-$m
  bind: 192.0.2.$ip
  members: [192.0.2.1, 192.0.2.2]
  failure-timeout: 3s
  takeover-interface: e0
security: { provider: auth-option-4285, auth-option-4285: { key-table: ha.keys } }
EOT
done
members() { "$root/mip6kit" ha status --socket "$1" --json 2>/dev/null | grep -o '"members" : [0-9]*' | grep -o '[0-9]*$'; }
ip netns exec $A "$root/mip6kit" ha run --config ha-a.yaml > a.log 2>&1 & pids+=($!)
for i in $(seq 120); do [ "$(members ha-a.sock)" = 1 ] && break; sleep 0.5; done
ip netns exec $B "$root/mip6kit" ha run --config ha-b.yaml > b.log 2>&1 & bpid=$!; pids+=($bpid)
for i in $(seq 120); do [ "$(members ha-a.sock)" = 2 ] && break; sleep 0.5; done
sleep 5   # let the partitions settle after the join
ip netns exec $C ping -6 -c1 -W1 2001:db8:1::b > /dev/null
echo "neighbour before: $(ip -n $C -6 neigh show 2001:db8:1::b)   (ha-b $(ip -n $B link show e0 | grep -o 'ether [^ ]*'), ha-a $(ip -n $A link show e0 | grep -o 'ether [^ ]*'))"
kill -9 $bpid; t0=$(date +%s%N)
for i in $(seq 400); do ip -n $A -6 addr show dev e0 | grep -q "2001:db8:1::b/128" && break; sleep 0.02; done
t1=$(date +%s%N); echo "2001:db8:1::b on ha-a's e0 $(( (t1 - t0) / 1000000 )) ms after SIGKILL"
sleep 0.1
echo "neighbour after:  $(ip -n $C -6 neigh show 2001:db8:1::b)"
ip netns exec $C ping -6 -c1 -W1 2001:db8:1::b | grep -E "loss"
"$root/mip6kit" ha status --socket ha-a.sock | sed -n '/^cluster/,/served in/p'
echo "--- ha-b restarts"
ip netns exec $B "$root/mip6kit" ha run --config ha-b.yaml > b2.log 2>&1 & pids+=($!)
for i in $(seq 120); do "$root/mip6kit" ha status --socket ha-b.sock 2>/dev/null | grep -q "^cluster" && break; sleep 0.5; done
"$root/mip6kit" ha status --socket ha-b.sock | sed -n '/^cluster/,/served in/p'
echo "2001:db8:1::b still on ha-a: $(ip -n $A -6 addr show dev e0 | grep -c '2001:db8:1::b/128')"
sleep 0.1; echo "neighbour after hand-back: $(ip -n $C -6 neigh show 2001:db8:1::b)"
grep -h "cluster: took over\|cluster: stopped serving\|handed" a.log b2.log | sed 's/^[^ ]* //'
