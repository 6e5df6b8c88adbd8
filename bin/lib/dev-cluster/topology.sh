# shellcheck shell=bash disable=SC2034  # the arrays are read by bin/dev-cluster and its other parts
# Sourced by bin/dev-cluster: the cluster's topology. The table below is the only place that names the
# components, their ports, their network namespaces and their jars; every list, port, address, URL, config
# file, start/stop order and `env` line is derived from it (`bin/dev-cluster topology` prints the result).
#
# Columns:
#   name    component name (the NAME of start/stop/kill/logs; a node's node_id)
#   kind    etcd | mysql | node | proxy | monitor | slave: how it is started, configured and probed
#   port    client/HTTP port at offset 0 (DEV_CLUSTER_PORT_OFFSET is added)
#   peer    second port at offset 0: an etcd member's peer port, a node's write port (write_port), else -
#   netns   ns: runs in a network namespace of its own with DEV_CLUSTER_NETNS=1 (the k-th such line gets
#           address block k, see netns.sh), else -
#   module  the Maven module whose <module>/target/<module>.jar it runs, else -
#   heap    -Xmx of a Java service, else -
# Rows are in start order; `down` stops them in reverse (services, then MariaDB, then etcd).
DEV_CLUSTER_TOPOLOGY='
etcd-1            etcd     2379   2380   -    -                    -
etcd-2            etcd     22379  22380  -    -                    -
etcd-3            etcd     32379  32380  ns   -                    -
mysql             mysql    3307   -      -    -                    -
dtable-server-01  node     5000   5010   ns   dtable-server        1g
dtable-server-02  node     5001   5011   ns   dtable-server        1g
proxy             proxy    5550   -      -    dtable-server-proxy  384m
monitor           monitor  5555   -      ns   cluster-monitor      384m
slave             slave    4000   -      -    dtable-server-slave  1g
'

COMPONENTS=()    # every component, in start order
ETCD_MEMBERS=()  # kind etcd
SERVICES=()      # the Java services (a module)
NODES=()         # kind node: the dtable-servers
NETNS_MEMBERS=() # netns ns, in address-block order
SERVICE_MODULES=() # the distinct modules of SERVICES
declare -A KIND=() BASE_PORT=() PEER_PORT=() SERVICE_JAR=() SERVICE_HEAP=()

topology_load() {
  local name kind port peer netns module heap
  while read -r name kind port peer netns module heap; do
    [ -n "$name" ] || continue
    COMPONENTS+=("$name")
    KIND[$name]=$kind
    BASE_PORT[$name]=$port
    [ "$peer" = - ] || PEER_PORT[$name]=$peer
    [ "$netns" = ns ] && NETNS_MEMBERS+=("$name")
    [ "$kind" = etcd ] && ETCD_MEMBERS+=("$name")
    [ "$kind" = node ] && NODES+=("$name")
    if [ "$module" != - ]; then
      SERVICES+=("$name")
      SERVICE_JAR[$name]=$module/target/$module.jar
      SERVICE_HEAP[$name]=$heap
      [[ " ${SERVICE_MODULES[*]} " == *" $module "* ]] || SERVICE_MODULES+=("$module")
    fi
  done <<<"$DEV_CLUSTER_TOPOLOGY"
}
topology_load

# Lookups by a name that may be empty (a command given without its NAME): bash refuses an empty key of an
# associative array ("bad array subscript"), so an empty name is looked up as ".", which no component is.
kind_of() { echo "${KIND[${1:-.}]:-}"; }
is_component() { [ -n "${KIND[${1:-.}]:-}" ]; }
is_etcd() { [ "${KIND[${1:-.}]:-}" = etcd ]; }
is_node() { [ "${KIND[${1:-.}]:-}" = node ]; }
is_service() { [ -n "${SERVICE_JAR[${1:-.}]:-}" ]; }

# The highest port at offset 0: bounds DEV_CLUSTER_PORT_OFFSET.
max_base_port() {
  local name max=0
  for name in "${COMPONENTS[@]}"; do
    [ "${BASE_PORT[$name]}" -gt "$max" ] && max=${BASE_PORT[$name]}
    [ "${PEER_PORT[$name]:-0}" -gt "$max" ] && max=${PEER_PORT[$name]}
  done
  echo "$max"
}

# NAME... in reverse order.
reversed() {
  local i args=("$@")
  for ((i = ${#args[@]} - 1; i >= 0; i--)); do echo "${args[$i]}"; done
}

# Components of KIND, in reverse start order (stop order).
stop_order_of_kind() {
  local name
  while read -r name; do
    [ "${KIND[$name]}" = "$1" ] && echo "$name"
  done < <(reversed "${COMPONENTS[@]}")
}

# Seconds a component gets between SIGTERM and SIGKILL: servers write snapshots on SIGTERM.
stop_timeout_of() {
  case "${KIND[$1]}" in
    etcd) echo 20 ;;
    mysql) echo 60 ;;
    *) echo 45 ;;
  esac
}

# dtable-server-01 -> DTABLE_SERVER_01 (the prefix of its `env` keys).
env_key_of() { local key=${1^^}; echo "${key//-/_}"; }
