#!/usr/bin/env bash
# Throughput and latency of one small GET through (a) dtable-server-proxy, (b) straight to a node,
# (c) nginx routing by the UUID's first two characters with a `map` (SeaTable's static routing),
# all in one run against the same backend.
#
# Backend: two "nodes" served by one nginx process (a fixed ~200-byte JSON answer with
# X-Dtable-Node), so that the backend costs as little as possible and the routers' cost shows.
# The proxy is the built jar (dtable-server-proxy/target/dtable-server-proxy.jar) against a
# single-member etcd started here; the map assigns buckets alternately to the two nodes.
#
# CPU per request is the user + system time of the routing processes over the measured requests; a line
# after the table gives the CPU the hypervisor took from this machine during each measurement (a virtual
# machine with busy neighbours is not quiet, whatever its load average says); for
# the proxy a line after the table splits it by thread (event loops, JIT compilers, GC and VM, other),
# since a JVM that is still compiling pays for it in the same column.
#
# Everything runs as processes of this script on 127.0.0.1 ports picked at random, in a temp dir,
# and is stopped by PID on exit. Needs: wrk, nginx (Debian nginx-light), etcd + etcdctl, JDK >= 21,
# python3 (free ports), curl.
#
# Usage: dtable-server-proxy/bench/proxy-bench.sh [DURATION_S=15] [CONNECTIONS=32]
#   env PROXY_JAVA_OPTS (default "-Xms64m -Xmx384m", as bin/dev-cluster), NGINX_WORKERS (default auto),
#   WARMUP_S (default 20) and WARMUP_REQUESTS (default 400000): each target is warmed up in 5 s rounds of
#   wrk until both are reached (at most WARMUP_MAX_S, default 150), so that the proxy's JIT has compiled
#   its hot path by the same amount of work however loaded the machine is (a time alone is not enough:
#   on a machine loaded 15x beyond its cores, 20 s left the JIT compilers a third of the proxy's CPU in
#   the measurement); the others get the same rounds,
#   HOLD_S (default 0: seconds to keep everything up before measuring, e.g. to attach a profiler;
#   the URLs and the proxy's PID are printed), START_TIMEOUT_S (default 180: how long the proxy may take
#   to start and read the map; Spring Boot takes minutes on a machine loaded far beyond its cores)
set -euo pipefail

DURATION=${1:-15}
CONNECTIONS=${2:-32}
WARMUP=${WARMUP_S:-20}
WARMUP_REQUESTS=${WARMUP_REQUESTS:-400000}
WARMUP_MAX=${WARMUP_MAX_S:-150}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
PROXY_JAVA_OPTS=${PROXY_JAVA_OPTS:--Xms64m -Xmx384m}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$ROOT/dtable-server-proxy/target/dtable-server-proxy.jar

die() { echo "proxy-bench: $*" >&2; exit 1; }
for tool in wrk nginx etcd etcdctl python3 curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || die "$tool is not installed (Debian: wrk nginx-light etcd-server etcd-client)"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -f "$JAR" ] || die "$JAR missing: ./mvnw -B -q -pl dtable-server-proxy -am package -DskipTests"

find_java() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then
      local major
      major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
      if [ "${major%%.*}" -ge 21 ]; then echo "$candidate/bin/java"; return; fi
    fi
  done
  die "no JDK >= 21 found (set JAVA_HOME)"
}
JAVA=$(find_java)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

WORK=$(mktemp -d /tmp/proxy-bench.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

ETCD_PORT=$(free_port); ETCD_PEER=$(free_port)
NODE1=$(free_port); NODE2=$(free_port); ROUTER=$(free_port); PROXY=$(free_port)
PREFIX=/proxy-bench/
BASE=a3c1e0d2-5b6f-4e8a-9c0d-112233445566   # bucket a3 (odd: node-2 in the map below)

wait_for() { # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# ---- etcd -------------------------------------------------------------------------------------
etcd --name bench --data-dir "$WORK/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "bench=http://127.0.0.1:$ETCD_PEER" >"$WORK/etcd.log" 2>&1 &
PIDS+=($!)
ETCDCTL=(env ETCDCTL_API=3 etcdctl --endpoints="http://127.0.0.1:$ETCD_PORT")
wait_for 30 "${ETCDCTL[@]}" endpoint health || die "etcd did not start: $(tail -5 "$WORK/etcd.log")"

# ---- backend nodes (nginx) --------------------------------------------------------------------
BODY='{"rows":[{"_id":"Qx1a2b3c4d5e6f7g8h9i0j","Name":"row 1","Count":42},{"_id":"Rk1a2b3c4d5e6f7g8h9i0j","Name":"row 2","Count":7}]}'
mkdir -p "$WORK/nodes/logs" "$WORK/router/logs"
node_server() { # node_server PORT NODE_ID
  cat <<CONF
  server {
    listen 127.0.0.1:$1 backlog=4096;
    keepalive_requests 1000000;
    location / {
      default_type application/json;
      add_header X-Dtable-Node $2 always;
      return 200 '$BODY';
    }
  }
CONF
}
cat >"$WORK/nodes/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nodes/nginx.pid;
error_log $WORK/nodes/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
$(node_server "$NODE1" node-1)
$(node_server "$NODE2" node-2)
}
CONF
"$NGINX" -p "$WORK/nodes" -c "$WORK/nodes/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
NODES_PID=$!

# ---- the map: buckets alternate between node-1 and node-2 --------------------------------------
"${ETCDCTL[@]}" put "${PREFIX}nodes/node-1" "{\"node_id\":\"node-1\",\"node_url\":\"http://127.0.0.1:$NODE1/\",\"local_node_url\":\"http://127.0.0.1:$NODE1/\",\"started_at\":\"2026-01-01T00:00:00Z\"}" >/dev/null
"${ETCDCTL[@]}" put "${PREFIX}nodes/node-2" "{\"node_id\":\"node-2\",\"node_url\":\"http://127.0.0.1:$NODE2/\",\"local_node_url\":\"http://127.0.0.1:$NODE2/\",\"started_at\":\"2026-01-01T00:00:00Z\"}" >/dev/null
NGINX_MAP=""
for i in $(seq 0 255); do
  bucket=$(printf '%02x' "$i")
  node=$(( i % 2 + 1 ))
  NGINX_MAP+="    $bucket node$node;"$'\n'
  "${ETCDCTL[@]}" put "${PREFIX}assign/$bucket" "node-$node" >/dev/null
done

# ---- (c) nginx router with SeaTable-style static map --------------------------------------------
cat >"$WORK/router/nginx.conf" <<CONF
worker_processes $NGINX_WORKERS;
pid $WORK/router/nginx.pid;
error_log $WORK/router/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  map \$uri \$dtable_bucket {
    "~^/api/v1/dtables/(?<bucket>[0-9a-fA-F]{2})" \$bucket;
    default "";
  }
  map \$dtable_bucket \$dtable_node {
$NGINX_MAP    default node1;
  }
  upstream node1 { server 127.0.0.1:$NODE1; keepalive 128; }
  upstream node2 { server 127.0.0.1:$NODE2; keepalive 128; }
  server {
    listen 127.0.0.1:$ROUTER backlog=4096;
    keepalive_requests 1000000;
    location /api/v1/dtables/ {
      proxy_pass http://\$dtable_node;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_buffering off;
    }
  }
}
CONF
"$NGINX" -p "$WORK/router" -c "$WORK/router/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
ROUTER_PID=$!

# ---- (a) the proxy ------------------------------------------------------------------------------
mkdir -p "$WORK/conf"
cat >"$WORK/conf/dtable_server_proxy_config.json" <<CONF
{
  "listen_port": $PROXY,
  "retry_budget_ms": 15000,
  "cluster_config": { "etcd_host_list": ["127.0.0.1:$ETCD_PORT"], "etcd_prefix": "$PREFIX" }
}
CONF
# shellcheck disable=SC2086 # PROXY_JAVA_OPTS is a list of options
DTABLE_CONF_DIR="$WORK/conf" "$JAVA" $PROXY_JAVA_OPTS -jar "$JAR" --server.address=127.0.0.1 >"$WORK/proxy.log" 2>&1 &
PIDS+=($!)
PROXY_PID=$!
# the map endpoint names our nodes: a check that this port is really our proxy (ports are picked racily)
wait_for "${START_TIMEOUT_S:-180}" sh -c "curl -fsS http://127.0.0.1:$PROXY/api/v1/cluster/map/ | grep -q '127.0.0.1:$NODE2'" \
  || die "proxy not serving the map: $(tail -20 "$WORK/proxy.log")"
kill -0 "$PROXY_PID" 2>/dev/null || die "proxy exited: $(tail -20 "$WORK/proxy.log")"

PATH_Q="/api/v1/dtables/$BASE/rows/?table_name=Table1&limit=2"
declare -A URL=(
  [proxy]="http://127.0.0.1:$PROXY$PATH_Q"
  [direct]="http://127.0.0.1:$NODE2$PATH_Q"
  [nginx]="http://127.0.0.1:$ROUTER$PATH_Q"
)
for name in proxy direct nginx; do
  got=$(curl -sS -D - -o /dev/null "${URL[$name]}" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-dtable-node" {print $2}')
  [ "$got" = node-2 ] || die "$name answered from '$got', not node-2"
done

if [ "${HOLD_S:-0}" -gt 0 ]; then
  echo "# holding ${HOLD_S}s: proxy pid $PROXY_PID; ${URL[proxy]} ${URL[direct]} ${URL[nginx]}"
  sleep "$HOLD_S"
fi

# CPU time (user + system, all threads) of the processes doing the routing work, so that figures are
# comparable on a machine shared with other work: the proxy JVM, the nginx router's workers, or for
# "direct" the node nginx's worker (the backend cost, also contained in the other two).
children() { ps -o pid= --ppid "$1" | tr '\n' ' '; }
declare -A CPU_PIDS=([proxy]="$PROXY_PID" [nginx]="$(children "$ROUTER_PID")" [direct]="$(children "$NODES_PID")")
cpu_ticks() { local t=0 p f; for p in $1; do read -r -a f < <(sed 's/^.*) //' "/proc/$p/stat"); t=$((t + f[11] + f[12])); done; echo "$t"; }
HZ=$(getconf CLK_TCK)
# ticks all cores spent waiting for the hypervisor ("steal" in /proc/stat): on a shared virtual machine a
# neighbour's load takes cores away from every process here, which no per-process figure shows
steal_ticks() { awk '$1 == "cpu" {print $9}' /proc/stat; }
# the proxy's CPU ticks by kind of thread: "event-loops jit gc-and-vm other"
proxy_thread_ticks() {
  local stat line comm t loops=0 jit=0 gc=0 other=0
  local -a f
  for stat in /proc/"$PROXY_PID"/task/*/stat; do
    line=$(cat "$stat" 2>/dev/null) || continue
    comm=${line#*(}; comm=${comm%)*}
    read -r -a f <<<"${line##*) }"
    t=$((f[11] + f[12]))
    case "$comm" in
      reactor-http-*) loops=$((loops + t)) ;;
      C1\ Compiler* | C2\ Compiler*) jit=$((jit + t)) ;;
      GC\ * | G1\ * | VM\ *) gc=$((gc + t)) ;;
      *) other=$((other + t)) ;;
    esac
  done
  echo "$loops $jit $gc $other"
}

# wrk output -> "req/s p50 p99 non2xx requests"
summarise() {
  awk '/Requests\/sec/ {rps=$2}
       /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
       /Non-2xx/ {bad=$NF}
       / requests in / {n=$1}
       END {printf "%s %s %s %s %s\n", rps, p50, p99, (bad == "" ? 0 : bad), n}'
}

echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $("$JAVA" -version 2>&1 | head -1); proxy opts: $PROXY_JAVA_OPTS; nginx workers: $NGINX_WORKERS (router), 1 (nodes)"
echo "# warm-up per target: at least ${WARMUP}s and $WARMUP_REQUESTS requests (at most ${WARMUP_MAX}s) at $CONNECTIONS connections, then wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency and wrk -t1 -c1 -d${DURATION}s --latency"
warm_up() { # warm_up NAME: prints "requests seconds"
  local started=$SECONDS served=0 n
  while :; do
    n=$(wrk -t1 -c"$CONNECTIONS" -d5s "${URL[$1]}" | summarise | cut -d' ' -f5)
    served=$((served + ${n:-0}))
    if [ $((SECONDS - started)) -ge "$WARMUP" ] && [ "$served" -ge "$WARMUP_REQUESTS" ]; then break; fi
    [ $((SECONDS - started)) -lt "$WARMUP_MAX" ] || break
  done
  echo "$served $((SECONDS - started))"
}
WARMED=""
for name in proxy direct nginx; do
  read -r served took < <(warm_up "$name")
  WARMED+=" $name $served requests in ${took}s;"
done
echo "# warmed up:$WARMED"
BREAKDOWN=""
STEAL=""
printf '| target | connections | req/s | p50 | p99 | non-2xx | CPU µs/request |\n|---|---:|---:|---:|---:|---:|---:|\n'
for connections in "$CONNECTIONS" 1; do
  for name in proxy direct nginx; do
    before=$(cpu_ticks "${CPU_PIDS[$name]}")
    steal_before=$(steal_ticks)
    [ "$name" != proxy ] || threads_before=$(proxy_thread_ticks)
    read -r rps p50 p99 bad n < <(wrk -t1 -c"$connections" -d"${DURATION}s" --latency "${URL[$name]}" | summarise)
    after=$(cpu_ticks "${CPU_PIDS[$name]}")
    STEAL+=$(awk -v t=$(($(steal_ticks) - steal_before)) -v hz="$HZ" -v d="$DURATION" -v c="$(nproc)" \
      -v what="$name/$connections" 'BEGIN {printf " %s %.1f%%,", what, 100 * t / hz / d / c}')
    [ "$name" != proxy ] || threads_after=$(proxy_thread_ticks)
    cpu=$(awk -v t=$((after - before)) -v hz="$HZ" -v n="$n" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$connections" "$rps" "$p50" "$p99" "$bad" "$cpu"
    if [ "$name" = proxy ]; then
      BREAKDOWN+=$(awk -v b="$threads_before" -v a="$threads_after" -v hz="$HZ" -v n="$n" -v c="$connections" 'BEGIN {
        split(b, x, " "); split(a, y, " ")
        printf "# proxy at %s connections, CPU µs/request by thread: event loops %.1f, JIT compilers %.1f, GC and VM %.1f, other %.1f\n",
          c, (y[1]-x[1])*1e6/hz/n, (y[2]-x[2])*1e6/hz/n, (y[3]-x[3])*1e6/hz/n, (y[4]-x[4])*1e6/hz/n }')$'\n'
    fi
  done
done
printf '%s' "$BREAKDOWN"
echo "# CPU stolen by the hypervisor during each measurement (share of all cores; 0 on a machine of its own):${STEAL%,}"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
