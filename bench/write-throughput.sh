#!/usr/bin/env bash
# Durable single-row writes/s through HTTP vs raw MariaDB inserts, same concurrency, same run.
#
# Needs a running dev cluster (bin/dev-cluster up), wrk, mariadb-slap and /usr/bin/time (Debian: wrk, mariadb-client, time).
# Usage: bench/write-throughput.sh [concurrency=64] [seconds=20] [bases=1]
#   env SOCKETS=0 skips the socket phase; SOCKET_BASES=N spreads its sockets over N bases (default: bases);
#   SLAP_PER_CONNECTION=N inserts per mariadb-slap connection (default: 19,000 per second of the HTTP
#   phase over all connections, so that both phases take about as long)
#   bases=1 puts every client on one base (the lane of one base is the bottleneck);
#   bases=N spreads the clients over N bases (what a real node sees).
# Environment: NODE_URL, MYSQL_PORT (a dev cluster with DEV_CLUSTER_PORT_OFFSET=N: add N to 5000 and 3307);
#   WRITE_URL: where the HTTP phase sends its appends (default NODE_URL; the node's write port, e.g.
#   http://127.0.0.1:5010 on dev-cluster node 01, or the proxy, http://127.0.0.1:5550); bases are created on NODE_URL;
#   SOCKET_URL: the node whose WebSocket the socket phase opens (default NODE_URL, the servlet container's socket;
#   the write port, e.g. http://127.0.0.1:5010, serves the same socket on its event loops);
#   NODE_PID and MYSQL_PID (default: the dev cluster's PID files) for the CPU time each write costs.
# When benchmarks/target/benchmarks.jar is built (./mvnw -B -q -pl benchmarks -am package -DskipTests), the same
# inserts then run over the node's WebSocket too (dtable.bench.write.SocketWriteThroughput): as many sockets
# as connections, on bases of their own, each waiting for its ack before the next operation. SOCKETS=0 skips it;
# SOCKET_FIRST=1 runs it before the HTTP phase.
set -euo pipefail
cd "$(dirname "$0")/.."
conc=${1:-64}; secs=${2:-20}; bases=${3:-1}
node_url=${NODE_URL:-http://127.0.0.1:5000}
mysql_port=${MYSQL_PORT:-3307}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
command -v mariadb-slap >/dev/null || { echo "install mariadb-client" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "install time (apt-get install time): it measures the load generators' CPU" >&2; exit 1; }
work=$(mktemp -d)
run_dir=${DEV_CLUSTER_HOME:-.dev-cluster}/run
node_pid=${NODE_PID:-$(cat "$run_dir/dtable-server-01.pid" 2>/dev/null || true)}
mysql_pid=${MYSQL_PID:-$(cat "$run_dir/mysql.pid" 2>/dev/null || true)}
ticks=$(getconf CLK_TCK)
# user + system CPU of a process in clock ticks (0 when unknown); the fields after the ")" of the command name
cpu_of() { if [[ -n "$1" && -r /proc/$1/stat ]]; then awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; else echo 0; fi; }
us_per() { awk -v t="$1" -v n="$2" -v hz="$ticks" 'BEGIN {printf "%.0f", (n > 0 ? t * 1e6 / hz / n : 0)}'; }
token=$(bin/dev-cluster token --internal)
urls=()         # the HTTP phase's bases (their rows/ URLs)
socket_urls=()  # the socket phase's own bases
# deletes bases (rows/ URLs): their rows leave the node's memory
delete_bases() { for u in "$@"; do curl -s -o /dev/null -X DELETE -H "Authorization: Token $token" "${u%rows/}"; done; }
# delete the bases afterwards: runs that leave 100,000s of rows loaded measure the node's GC, not its write path
cleanup() {
  delete_bases "${urls[@]}" "${socket_urls[@]}"
  rm -rf "$work"
}
trap cleanup EXIT

# create the bases on the node under test: a UUID another node owns answers 307 (and creates nothing),
# so draw new ones until this node owns it; every run then measures the same (warm) JVM. Prints its rows/ URL.
create_base() {
  local uuid code try
  for try in $(seq 1 64); do
    uuid=$(cat /proc/sys/kernel/random/uuid)
    code=$(curl -s -o "$work/create" -w '%{http_code}' -X PUT -H "Authorization: Token $token" "$node_url/api/v1/dtables/$uuid/")
    [[ $code == 2* ]] && break
    [[ $code == 307 ]] || { echo "creating a base on $node_url answered $code: $(cat "$work/create")" >&2; exit 1; }
  done
  [[ $code == 2* ]] || { echo "$node_url owns no bucket after 64 tries (after a restart: POST /rebalance/ to the monitor)" >&2; exit 1; }
  echo "$node_url/api/v1/dtables/$uuid/rows/"
}
# the socket phase may spread its sockets over more bases (SOCKET_BASES): on 16 bases every operation also goes
# to the other sockets of its base (4 frames per operation at 64 sockets), while an HTTP write has no reader;
# SOCKET_BASES=64 gives each socket a base of its own, one frame per operation like HTTP
socket_bases=${SOCKET_BASES:-$bases}
# each phase writes to bases of its own, and the first phase's bases are deleted before the second runs, so that
# neither pays for the rows the other left in the node's memory: with shared bases the second phase's GC work
# cost it about a quarter of its throughput
for i in $(seq 1 "$bases"); do urls+=("$(create_base)") || exit 1; done
socket_jar=benchmarks/target/benchmarks.jar
sockets=$([[ ${SOCKETS:-1} != 0 && -f $socket_jar ]] && echo 1 || echo 0)
if [[ $sockets == 1 ]]; then for i in $(seq 1 "$socket_bases"); do socket_urls+=("$(create_base)") || exit 1; done; fi
{
  # origin-form paths (as clients send them), so that the same script can go to the node, its write port or the proxy
  echo 'local urls = {'; for u in "${urls[@]}"; do echo "  \"${u#"$node_url"}\","; done; echo '}'
  cat <<LUA
-- the requests are formatted once per wrk thread and then sent in turn: formatting each one in Lua cost wrk
-- more CPU per write than the node's JSON parsing, on the cores the node and MariaDB share with it
local requests = {}
local counter = 0
init = function(args)
  for i = 1, 1024 do
    local body = '{"table_name":"Table1","row":{"Name":"bench-' .. i .. '"}}'
    requests[i] = wrk.format("POST", urls[(i % $bases) + 1],
      {["Content-Type"]="application/json", ["Authorization"]="Token $token"}, body)
  end
end
request = function()
  counter = counter % #requests + 1
  return requests[counter]
end
LUA
} > "$work/post.lua"

http_phase() {
  echo "== dtable-server: durable single-row appends, $conc connections, ${secs}s, $bases base(s), to ${WRITE_URL:-$node_url}"
  node0=$(cpu_of "$node_pid"); mysql0=$(cpu_of "$mysql_pid")
  # the load generators' own CPU (user + system, /usr/bin/time): they share the cores with the node and MariaDB
  /usr/bin/time -f '%U %S' -o "$work/wrk.cpu" wrk -t2 -c"$conc" -d"${secs}s" --latency -s "$work/post.lua" "${WRITE_URL:-$node_url}" | tee "$work/wrk.txt"
  node_http=$(( $(cpu_of "$node_pid") - node0 )); mysql_http=$(( $(cpu_of "$mysql_pid") - mysql0 ))
}

socket_phase() {
  if [[ $sockets == 1 ]]; then
    echo "== dtable-server: the same inserts over the WebSocket, $conc sockets, ${secs}s, $socket_bases base(s)"
    uuids=(); for u in "${socket_urls[@]}"; do uuids+=("$(basename "${u%/rows/}")"); done
    node0=$(cpu_of "$node_pid"); mysql0=$(cpu_of "$mysql_pid")
    # shellcheck source=bin/lib/java-home.sh
    . bin/lib/java-home.sh
    /usr/bin/time -f '%U %S' -o "$work/socket.cpu" "$JAVA_HOME/bin/java" -cp "$socket_jar" dtable.bench.write.SocketWriteThroughput \
      "ws://$(url=${SOCKET_URL:-$node_url}; echo "${url#http://}")" "$token" "$secs" "$conc" "${uuids[@]}" | tee "$work/socket.txt" || true
    node_socket=$(( $(cpu_of "$node_pid") - node0 )); mysql_socket=$(( $(cpu_of "$mysql_pid") - mysql0 ))
  fi
}

# SOCKET_FIRST=1 runs the socket phase first (the second phase finds a warmer JIT; run both orders to see it)
if [[ ${SOCKET_FIRST:-0} == 1 ]]; then
  socket_phase; delete_bases "${socket_urls[@]}"; http_phase
else
  http_phase; delete_bases "${urls[@]}"; socket_phase
fi

echo "== mariadb-slap: single-row autocommit INSERTs, concurrency $conc"
mariadb -h127.0.0.1 -P"$mysql_port" -udtable -pdtable dtable_db \
  -e "CREATE TABLE IF NOT EXISTS bench_slap (id BIGINT AUTO_INCREMENT PRIMARY KEY, b VARCHAR(64), v LONGTEXT) ENGINE=InnoDB"
# about as long as the HTTP phase at ~19,000 inserts/s, the rate on the 2-core benchmark box (5 s runs moved by ±20 %)
per_client=${SLAP_PER_CONNECTION:-$(( (secs * 19000 + conc - 1) / conc ))}
mysql0=$(cpu_of "$mysql_pid")
/usr/bin/time -f '%U %S' -o "$work/slap.cpu" mariadb-slap -h127.0.0.1 -P"$mysql_port" -udtable -pdtable --create-schema=dtable_db --no-drop --concurrency="$conc" \
  --number-of-queries=$(( per_client * conc )) --iterations=1 \
  --query="INSERT INTO bench_slap (b, v) VALUES ('bench', '{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\"x\"}}')" | tee "$work/slap.txt"
mysql_slap=$(( $(cpu_of "$mysql_pid") - mysql0 ))
secs_slap=$(awk '/Average number of seconds/ {print $(NF-1)}' "$work/slap.txt")
rps_http=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
writes=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
errors=$(awk '/Non-2xx|Socket errors/' "$work/wrk.txt" | tr -s ' ' | paste -sd ';')
# seconds of CPU from /usr/bin/time -> µs per operation
client_us() { awk -v n="$2" '{printf "%.0f", (n > 0 ? ($1 + $2) * 1e6 / n : 0)}' "$1" 2>/dev/null || echo "?"; }
echo "CPU node_us_per_write=$(us_per "$node_http" "$writes") mariadb_us_per_write=$(us_per "$mysql_http" "$writes") mariadb_us_per_slap_insert=$(us_per "$mysql_slap" $(( per_client * conc ))) wrk_us_per_write=$(client_us "$work/wrk.cpu" "$writes") slap_client_us_per_insert=$(client_us "$work/slap.cpu" $(( per_client * conc ))) p99=$p99 ${errors:+errors=$errors}"
if [[ -s $work/socket.txt ]]; then
  ops=$(awk -F'[= ]' '/^SOCKET/ {print $3}' "$work/socket.txt")
  socket_ops=$(awk '/^SOCKET/ {for (i = 1; i <= NF; i++) if ($i ~ /^all_acks=/) {sub("all_acks=", "", $i); print $i}}' "$work/socket.txt")
  echo "CPU socket node_us_per_op=$(us_per "$node_socket" "$socket_ops") mariadb_us_per_op=$(us_per "$mysql_socket" "$socket_ops") client_us_per_op=$(client_us "$work/socket.cpu" "$socket_ops") (warm-up included)"
  echo "RESULT socket_ops_per_s=$ops socket_ratio=$(awk -v a="$ops" -v q=$(( per_client * conc )) -v s="$secs_slap" 'BEGIN {printf "%.2f", a / (q / s)}') socket_vs_http=$(awk -v a="$ops" -v h="$rps_http" 'BEGIN {printf "%.2f", a / h}') order=$([[ ${SOCKET_FIRST:-0} == 1 ]] && echo socket-first || echo http-first)"
fi
echo "RESULT http_writes_per_s=$rps_http raw_inserts_per_s=$(awk -v q=$(( per_client * conc )) -v s="$secs_slap" 'BEGIN {printf "%.0f", q / s}') ratio=$(awk -v a="$rps_http" -v q=$(( per_client * conc )) -v s="$secs_slap" 'BEGIN {printf "%.2f", a / (q / s)}')"
