# shellcheck shell=bash disable=SC2154  # settings come from bin/dev-cluster
# Sourced by bin/dev-cluster: network partitions (DEV_CLUSTER_NETNS=1, root only).
#
# Some components run in network namespaces of their own, each joined to the host by a veth pair: those
# marked "ns" in the table of topology.sh (etcd-3, dtable-server-01, dtable-server-02, monitor).
# Addresses come from 10.<100 + offset/256>.<offset % 256>.0/24, so copies at different port offsets never share
# one: the host side of this copy has HOST (.1, a /32 on lo labelled lo:dcf<offset>), and component k (1..4) has a
# /29 at 8k: .8k+1 on the host end of its veth, .8k+2 inside (its node_url / client address) and .8k+3 inside
# (a dtable-server's local_node_url: what the proxy and the monitor's probes connect to).
# The components on the host (etcd-1, etcd-2, MariaDB, proxy, slave) also listen on HOST so the namespaced ones
# reach them; MariaDB and etcd keep 127.0.0.1 as well. Names: namespace dcf<offset>-<component>, veth
# dcf<offset>v<k>h (host end) / dcf<offset>v<k>n (inside).
#
# `isolate NAME etcd|mysql|proxy|all` adds iptables DROP rules inside NAME's namespace (DROP, never REJECT: a cut
# link looks like silence, never like a refused connection, so fast failover never mistakes it for a death);
# `heal NAME` flushes them. Rules carry the comment dev-cluster:<target>, which `status` shows.
#
# The mode is fixed when a state folder is first used (file netns-mode): etcd members keep their peer addresses
# in their data folders, so switching the mode needs a fresh DEV_CLUSTER_HOME.

# NETNS_MEMBERS: the components with "ns" in the table of topology.sh, in address-block order.
NETNS_TARGETS=(etcd mysql proxy all)

# 1 when this copy runs with namespaces: the folder's recorded mode, else DEV_CLUSTER_NETNS.
netns_mode() {
  local file=$DC_HOME/netns-mode
  if [ -s "$file" ]; then cat "$file"; else [ "${DEV_CLUSTER_NETNS:-0}" = 1 ] && echo 1 || echo 0; fi
}
netns_on() { [ "$NETNS_ON" = 1 ]; }

# Records the mode at the first `up`; refuses a switch on a folder that already has etcd data.
netns_fix_mode() {
  local wanted=0 file=$DC_HOME/netns-mode
  [ "${DEV_CLUSTER_NETNS:-0}" = 1 ] && wanted=1
  if [ -s "$file" ]; then
    if [ "$(cat "$file")" != "$wanted" ] && [ -n "${DEV_CLUSTER_NETNS:-}" ]; then
      die "$DC_HOME was set up with DEV_CLUSTER_NETNS=$(cat "$file"); etcd keeps its peer addresses, so use a fresh DEV_CLUSTER_HOME to switch"
    fi
  else
    if [ -d "$DC_HOME/etcd" ] && [ "$wanted" = 1 ]; then
      die "$DC_HOME already holds an etcd cluster started without namespaces; use a fresh DEV_CLUSTER_HOME for DEV_CLUSTER_NETNS=1"
    fi
    echo "$wanted" >"$file"
  fi
  NETNS_ON=$(cat "$file")
  if netns_on && [ "$(id -u)" != 0 ]; then
    die "DEV_CLUSTER_NETNS=1 needs root (network namespaces, veth pairs, iptables)"
  fi
}

netns_index() {
  local i
  for i in "${!NETNS_MEMBERS[@]}"; do
    [ "${NETNS_MEMBERS[$i]}" = "$1" ] && { echo $((i + 1)); return 0; }
  done
  return 1
}
is_netns_member() { netns_on && netns_index "$1" >/dev/null; }
netns_net() { echo "10.$((100 + OFFSET / 256)).$((OFFSET % 256))"; }
netns_host_addr() { echo "$(netns_net).1"; }
netns_name() { echo "dcf$OFFSET-$1"; }
netns_addr() { echo "$(netns_net).$(( $(netns_index "$1") * 8 + 2 ))"; }
netns_local_addr() { echo "$(netns_net).$(( $(netns_index "$1") * 8 + 3 ))"; }
netns_gateway() { echo "$(netns_net).$(( $(netns_index "$1") * 8 + 1 ))"; }
netns_host_label() { echo "lo:dcf$OFFSET"; }
netns_veth_host() { echo "dcf${OFFSET}v$(netns_index "$1")h"; }
netns_veth_inside() { echo "dcf${OFFSET}v$(netns_index "$1")n"; }
# (no `cmd | grep -q` here: under pipefail grep's early exit can fail the pipeline with SIGPIPE)
host_addr_present() { [[ "$(ip -o addr show dev lo)" == *" $(netns_host_addr)/32 "* ]]; }
netns_exists() { [[ " $(ip netns list 2>/dev/null | cut -d' ' -f1 | tr '\n' ' ') " == *" $1 "* ]]; }

# The address NAME is reached at (from the host and from the namespaces).
addr_of() {
  if ! netns_on; then echo 127.0.0.1
  elif is_netns_member "$1"; then netns_addr "$1"
  else netns_host_addr
  fi
}

# `ip netns exec NS` for a namespaced component, nothing otherwise (used by spawn).
netns_exec_prefix() {
  if is_netns_member "$1"; then printf '%s\n' ip netns exec "$(netns_name "$1")"; fi
}

# Creates the host address and every namespace with its veth pair; idempotent.
netns_setup() {
  netns_on || return 0
  local host name ns veth_host veth_inside
  host=$(netns_host_addr)
  if ! host_addr_present; then
    ip addr add "$host/32" dev lo label "$(netns_host_label)"
  fi
  if [ "$(cat /proc/sys/net/ipv4/ip_forward)" != 1 ]; then
    say "warning: net.ipv4.ip_forward is 0: the monitor cannot reach the nodes in other namespaces (fast failover then waits for leases)"
  fi
  for name in "${NETNS_MEMBERS[@]}"; do
    ns=$(netns_name "$name")
    veth_host=$(netns_veth_host "$name")
    veth_inside=$(netns_veth_inside "$name")
    netns_exists "$ns" && continue
    ip netns add "$ns"
    ip link add "$veth_host" type veth peer name "$veth_inside"
    ip link set "$veth_inside" netns "$ns"
    ip addr add "$(netns_gateway "$name")/29" dev "$veth_host"
    ip link set "$veth_host" up
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" ip addr add "$(netns_addr "$name")/29" dev "$veth_inside"
    ip netns exec "$ns" ip addr add "$(netns_local_addr "$name")/29" dev "$veth_inside"
    ip netns exec "$ns" ip link set "$veth_inside" up
    ip netns exec "$ns" ip route add default via "$(netns_gateway "$name")"
    say "$name: network namespace $ns, address $(netns_addr "$name")"
  done
}

# Removes the namespaces (their veth pairs go with them) and the host address; idempotent.
netns_teardown() {
  local name ns
  for name in "${NETNS_MEMBERS[@]}"; do
    ns=$(netns_name "$name")
    if netns_exists "$ns"; then
      ip netns del "$ns" && say "$name: network namespace $ns removed"
    fi
  done
  local host
  host=$(netns_host_addr)
  if host_addr_present; then ip addr del "$host/32" dev lo; fi
}

# iptables inside NAME's namespace.
netns_iptables() {
  local name=$1
  shift
  ip netns exec "$(netns_name "$name")" iptables -w 5 "$@"
}

netns_require_member() {
  netns_on || die "$1: partitions need DEV_CLUSTER_NETNS=1 at the first 'up' of this state folder (root only)"
  is_netns_member "$2" || die "$1 NAME: NAME is one of ${NETNS_MEMBERS[*]} (the components in namespaces)"
}

# The client ports of the etcd members other than NAME, by address.
etcd_client_rules() {
  local name=$1 member
  for member in "${ETCD_MEMBERS[@]}"; do
    [ "$member" = "$name" ] && continue
    echo "$(addr_of "$member") $(port_of "$member")"
  done
}

cmd_isolate() {
  local name=${1:-} target=${2:-}
  netns_require_member isolate "$name"
  case " ${NETNS_TARGETS[*]} " in *" $target "*) ;; *) die "isolate NAME TARGET: TARGET is one of ${NETNS_TARGETS[*]}" ;; esac
  [ -n "$(running_pid "$name" 2>/dev/null || true)" ] || say "$name: not running (the rules apply when it starts)"
  local c="dev-cluster:$target" addr port member
  if [[ "$(netns_iptables "$name" -S)" == *"\"$c\""* ]]; then
    say "$name: already cut from $target"
    return 0
  fi
  case "$target" in
    etcd)
      if is_etcd "$name"; then
        # an etcd member cut from the other members (its clients still reach it)
        for member in "${ETCD_MEMBERS[@]}"; do
          [ "$member" = "$name" ] && continue
          netns_iptables "$name" -A OUTPUT -p tcp -d "$(addr_of "$member")" --dport "$(peer_port_of "$member")" \
            -m comment --comment "$c" -j DROP
        done
        netns_iptables "$name" -A INPUT -p tcp --dport "$(peer_port_of "$name")" -m comment --comment "$c" -j DROP
        netns_iptables "$name" -A OUTPUT -p tcp --sport "$(peer_port_of "$name")" -m comment --comment "$c" -j DROP
      else
        while read -r addr port; do
          netns_iptables "$name" -A OUTPUT -p tcp -d "$addr" --dport "$port" -m comment --comment "$c" -j DROP
        done < <(etcd_client_rules "$name")
      fi ;;
    mysql)
      netns_iptables "$name" -A OUTPUT -p tcp -d "$(addr_of mysql)" --dport "$(port_of mysql)" -m comment --comment "$c" -j DROP ;;
    proxy)
      if is_node "$name"; then
        # everything that arrives at local_node_url: the proxy's requests (and the monitor's probes, which then
        # time out: no evidence, the node keeps its buckets); node_url (browsers, sockets) stays reachable
        netns_iptables "$name" -A INPUT -d "$(netns_local_addr "$name")" -m comment --comment "$c" -j DROP
      else
        netns_iptables "$name" -A OUTPUT -p tcp -d "$(addr_of proxy)" --dport "$(port_of proxy)" -m comment --comment "$c" -j DROP
        netns_iptables "$name" -A INPUT -p tcp -s "$(netns_gateway "$name")" -m comment --comment "$c" -j DROP
      fi ;;
    all)
      local dev
      dev=$(netns_veth_inside "$name")
      netns_iptables "$name" -A INPUT -i "$dev" -m comment --comment "$c" -j DROP
      netns_iptables "$name" -A OUTPUT -o "$dev" -m comment --comment "$c" -j DROP ;;
  esac
  say "$name: cut from $target"
}

cmd_heal() {
  local name=${1:-}
  netns_require_member heal "$name"
  netns_iptables "$name" -F INPUT
  netns_iptables "$name" -F OUTPUT
  say "$name: healed (every cut removed)"
}

# "etcd,mysql" or "-" for NAME.
netns_cuts() {
  local cuts
  cuts=$(netns_iptables "$1" -S 2>/dev/null | grep -o 'dev-cluster:[a-z]*' | cut -d: -f2 | sort -u | paste -sd, -) || true
  echo "${cuts:--}"
}

netns_status() {
  netns_on || return 0
  local name
  echo "partitions (network namespaces, host address $(netns_host_addr)):"
  for name in "${NETNS_MEMBERS[@]}"; do
    if netns_exists "$(netns_name "$name")"; then
      printf '  %-17s %-15s cut from: %s\n' "$name" "$(netns_addr "$name")" "$(netns_cuts "$name")"
    else
      printf '  %-17s %-15s (no namespace)\n' "$name" "$(netns_addr "$name")"
    fi
  done
}
