#!/usr/bin/env bash
# Owner write p99 while full reads of a 100,000-row base run (a) never, (b) on the owner (slave off),
# (c) through the owner to the dtable-server-slave (SPEC §11). See docs/benchmarks.md "## Slave".
#
# Self-contained: starts its own etcd, MariaDB, one dtable-server and one slave on free loopback ports
# in a temporary directory, plays the monitor (all 256 buckets to the node), and stops exactly what it
# started. A running dev cluster is not touched.
#
# Needs: etcd + etcdctl, mariadbd + mariadb-install-db + mariadb (Debian), wrk, curl, python3, openssl,
# and the jars: ./mvnw -B -q -pl dtable-server,dtable-server-slave -am package -DskipTests
#
# Usage: [ROUNDS=3] [READ_RATE=n] dtable-server-slave/bench/slave-bench.sh [seconds=20] [rows=100000] [readers=1] [target=small|large]
#   writes: single-row updates (PUT rows/), 16 connections, on a 100-row base (target=small) or on the
#           large base itself (target=large)
#   reads:  GET /dtables/{uuid} of the large base during the whole write run: `readers` connections
#           reading back to back (wrk), or, with READ_RATE=n, one reader paced at n reads/s (curl)
#   GZIP=1 (default) makes the reader ask for gzip as browsers and HTTP libraries do (curl --compressed,
#   wrk with Accept-Encoding: gzip); GZIP=0 asks for plain JSON.
#   Each round measures (a) idle and (b) reads on the owner with the slave off, then restarts the node
#   with dtable_server_slave_url and measures (a') idle and (c) reads through the slave; the RESULT
#   lines give every round and the median p99 of each phase.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
secs=${1:-20}; rows=${2:-100000}; readers=${3:-1}; target=${4:-small}
rounds=${ROUNDS:-3}; read_rate=${READ_RATE:-}
gzip=${GZIP:-1}
if [ "$gzip" = 1 ]; then read_opts=(--compressed); wrk_enc=(-H "Accept-Encoding: gzip"); else read_opts=(); wrk_enc=(); fi
writers=16
# shellcheck source=/dev/null
source "$ROOT/bin/lib/java-home.sh"
for tool in etcd etcdctl mariadbd mariadb-install-db mariadb wrk curl python3 openssl; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
NODE_JAR=$ROOT/dtable-server/target/dtable-server.jar
SLAVE_JAR=$ROOT/dtable-server-slave/target/dtable-server-slave.jar
[ -f "$NODE_JAR" ] && [ -f "$SLAVE_JAR" ] || { echo "build the jars first (see header)" >&2; exit 1; }

work=$(mktemp -d /tmp/slave-bench.XXXXXX)
pids=()
cleanup() { # newest first: the services before etcd and MariaDB
  local i
  for (( i = ${#pids[@]} - 1; i >= 0; i-- )); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  [ "${KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
say() { echo "== $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
await() { # await SECONDS COMMAND...
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out: $*" >&2; return 1; }
    sleep 0.3
  done
}

# run private copies: a rebuild of target/*.jar while the benchmark runs would pull classes from under the JVMs
cp "$NODE_JAR" "$work/dtable-server.jar"; NODE_JAR=$work/dtable-server.jar
cp "$SLAVE_JAR" "$work/dtable-server-slave.jar"; SLAVE_JAR=$work/dtable-server-slave.jar

etcd_port=$(free_port); peer_port=$(free_port); db_port=$(free_port); node_port=$(free_port); slave_port=$(free_port)
node_url=http://127.0.0.1:$node_port
key=$(openssl rand -hex 32)

# ---- etcd, MariaDB ----
say "etcd on $etcd_port, MariaDB on $db_port (in $work)"
etcd --name bench --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" --initial-cluster "bench=http://127.0.0.1:$peer_port" \
  >"$work/etcd.log" 2>&1 &
pids+=($!)
mariadb-install-db --no-defaults --auth-root-authentication-method=normal --datadir="$work/db" --user="$(id -un)" \
  >"$work/install-db.log" 2>&1
mariadbd --no-defaults --user="$(id -un)" --datadir="$work/db" --tmpdir="$work" --port="$db_port" \
  --socket="$work/db.sock" --pid-file="$work/db.pid" --bind-address=127.0.0.1 --skip-name-resolve \
  --character-set-server=utf8mb4 --max-connections=1000 --max-allowed-packet=1G --innodb-buffer-pool-size=256M \
  --innodb-log-file-size=256M --innodb-flush-log-at-trx-commit=1 >"$work/mariadb.log" 2>&1 &
pids+=($!)
sql() { mariadb --no-defaults -uroot --socket="$work/db.sock" -e "$1"; }
await 60 sql "SELECT 1"
sql "CREATE DATABASE dtable_db; CREATE USER 'dtable'@'127.0.0.1' IDENTIFIED BY 'dtable';
     GRANT ALL ON dtable_db.* TO 'dtable'@'127.0.0.1';"
await 30 etcdctl --endpoints="127.0.0.1:$etcd_port" endpoint health
# play the monitor: every bucket to the node
for i in $(seq 0 255); do
  printf -v hex '%02x' "$i"
  etcdctl --endpoints="127.0.0.1:$etcd_port" put "/dtable-cluster/assign/$hex" bench-node >/dev/null
done

# ---- tokens (HS256, the key is 64 hex chars = 64 bytes: used as is) ----
base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
hexkey=$(printf '%s' "$key" | od -An -v -tx1 | tr -d ' \n')
signing_input="$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | base64url).$(printf '{"is_internal":true,"exp":%d}' $(( $(date +%s) + 86400 )) | base64url)"
token="$signing_input.$(printf '%s' "$signing_input" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary | base64url)"
auth="Authorization: Token $token"

# ---- node and slave ----
node_pid=""; slave_pid=""
start_node() { # start_node with-slave|without-slave
  local slave_line=""
  [ "$1" = with-slave ] && slave_line="\"dtable_server_slave_url\": \"http://127.0.0.1:$slave_port/\","
  mkdir -p "$work/node"
  cat >"$work/node/dtable_server_config.json" <<EOF
{ "host": "127.0.0.1", "port": $db_port, "user": "dtable", "password": "dtable", "database": "dtable_db",
  "private_key": "$key", "listen_host": "127.0.0.1", "listen_port": $node_port,
  "worker_threads_rows_limit": 50000, $slave_line
  "cluster_config": { "etcd_host_list": ["127.0.0.1:$etcd_port"], "node_id": "bench-node",
                      "node_url": "$node_url/", "lease_ttl_seconds": 10 } }
EOF
  DTABLE_CONF_DIR=$work/node "$JAVA_HOME/bin/java" -Xms256m -Xmx1g -jar "$NODE_JAR" >>"$work/node.log" 2>&1 &
  node_pid=$!; pids+=("$node_pid")
  await 300 bash -c "curl -sf -H '$auth' $node_url/api/v1/admin/node/ | grep -q '\"bucket\":\"ff\"'"
  say "dtable-server up ($1) at $node_url"
}
stop_node() { kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; }
start_slave() {
  mkdir -p "$work/slave"
  cat >"$work/slave/dtable_server_slave_config.json" <<EOF
{ "host": "127.0.0.1", "port": $db_port, "user": "dtable", "password": "dtable", "database": "dtable_db",
  "private_key": "$key", "listen_port": $slave_port, "max_cached_rows": 2000000,
  "cluster_config": { "etcd_host_list": ["127.0.0.1:$etcd_port"], "node_id": "bench-slave" } }
EOF
  DTABLE_CONF_DIR=$work/slave "$JAVA_HOME/bin/java" -Xms256m -Xmx1g -jar "$SLAVE_JAR" >"$work/slave.log" 2>&1 &
  slave_pid=$!; pids+=("$slave_pid")
  await 120 curl -sf "http://127.0.0.1:$slave_port/ping/"
  say "dtable-server-slave up at http://127.0.0.1:$slave_port"
}

start_node without-slave

# ---- bases: a small one and a large one (Name text, Notes long-text, Amount number, Done checkbox) ----
new_base() {
  local uuid; uuid=$(cat /proc/sys/kernel/random/uuid)
  curl -sf -X PUT -H "$auth" "$node_url/api/v1/dtables/$uuid/" >/dev/null
  for col in 'Notes long-text' 'Amount number' 'Done checkbox'; do
    set -- $col
    curl -sf -X POST -H "$auth" -H 'Content-Type: application/json' "$node_url/api/v1/dtables/$uuid/columns/" \
      -d "{\"table_name\":\"Table1\",\"column_name\":\"$1\",\"column_type\":\"$2\"}" >/dev/null
  done
  echo "$uuid"
}
fill() { # fill UUID ROWS
  local uuid=$1 left=$2 n
  while [ "$left" -gt 0 ]; do
    n=$(( left < 1000 ? left : 1000 ))
    python3 - "$n" "$left" >"$work/batch.json" <<'PY'
import json, random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed)
rows = [{"Name": "row %d-%d" % (seed, i), "Notes": "note " * r.randint(2, 12), "Amount": round(r.random() * 1e4, 2),
         "Done": r.random() < 0.5} for i in range(n)]
print(json.dumps({"table_name": "Table1", "rows": rows}))
PY
    curl -sf -X POST -H "$auth" -H 'Content-Type: application/json' --data-binary "@$work/batch.json" \
      "$node_url/api/v1/dtables/$uuid/batch-append-rows/" >/dev/null
    left=$(( left - n ))
  done
}
small=$(new_base); fill "$small" 100
large=$(new_base); fill "$large" "$rows"
bytes=$(curl -sf -H "$auth" "$node_url/dtables/$large" | wc -c)
say "small base $small (100 rows), large base $large ($rows rows, $bytes bytes as JSON)"

write_base=$small; [ "$target" = large ] && write_base=$large
curl -sf --max-time 60 -H "$auth" "$node_url/api/v1/dtables/$write_base/rows/?table_name=Table1&limit=100" \
  | python3 -c 'import json,sys; print("\n".join(r["_id"] for r in json.load(sys.stdin)["rows"]))' >"$work/ids"
{
  echo 'local ids = {'; sed 's/.*/  "&",/' "$work/ids"; echo '}'
  cat <<LUA
local counter = 0
request = function()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  local body = '{"table_name":"Table1","row_id":"' .. id .. '","row":{"Name":"w-' .. counter .. '"}}'
  return wrk.format("PUT", "/api/v1/dtables/$write_base/rows/", {["Content-Type"]="application/json", ["Authorization"]="Token $token"}, body)
end
LUA
} >"$work/put.lua"

p99_ms() { # the 99% line of wrk --latency, in ms
  awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }' "$1"
}
cpu_ticks() { # user + system CPU of a process, in clock ticks (0 when there is none)
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || { echo 0; return; }
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
cpu_s() { awk -v t=$(( $2 - $1 )) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }'; }
writes() { # writes LABEL: 16 connections of single-row updates for $secs; prints p99, rate and CPU used
  local node0 slave0; node0=$(cpu_ticks "$node_pid"); slave0=$(cpu_ticks "$slave_pid")
  wrk -t2 -c"$writers" -d"${secs}s" --latency -s "$work/put.lua" "$node_url" >"$work/w-$1.txt"
  local node1 slave1; node1=$(cpu_ticks "$node_pid"); slave1=$(cpu_ticks "$slave_pid")
  local errors; errors=$(awk '/Non-2xx|Socket errors/' "$work/w-$1.txt")
  [ -z "$errors" ] || { echo "$1: $errors" >&2; }
  echo "$1 write_p99_ms=$(p99_ms "$work/w-$1.txt") writes_per_s=$(awk '/Requests\/sec/ {print $2}' "$work/w-$1.txt")" \
    "owner_cpu_s=$(cpu_s "$node0" "$node1") slave_cpu_s=$(cpu_s "$slave0" "$slave1") load=$(cut -d' ' -f1 /proc/loadavg)"
}
paced_reads() { # paced_reads SECONDS OUT: one reader at $read_rate reads/s; writes "reads_per_s=..." to OUT
  local end=$(( $(date +%s) + $1 )) interval=$(( 1000 / read_rate )) n=0 t0 left started
  started=$(date +%s%3N)
  while [ "$(date +%s)" -lt "$end" ]; do
    t0=$(date +%s%3N)
    curl -sf "${read_opts[@]}" -o /dev/null -H "$auth" "$node_url/dtables/$large" && n=$(( n + 1 ))
    left=$(( interval - ($(date +%s%3N) - t0) ))
    [ "$left" -le 0 ] || sleep "$(awk -v l="$left" 'BEGIN { printf "%.3f", l / 1000 }')"
  done
  awk -v n="$n" -v ms=$(( $(date +%s%3N) - started )) 'BEGIN { printf "Requests/sec: %.2f\n", n * 1000 / ms }' >"$2"
}
with_reads() { # with_reads LABEL: the same writes while the large base is read in full
  if [ -n "$read_rate" ]; then
    paced_reads $(( secs + 6 )) "$work/r-$1.txt" &
  else
    wrk -t1 -c"$readers" -d"$(( secs + 6 ))s" --timeout 30s -H "$auth" "${wrk_enc[@]}" "$node_url/dtables/$large" >"$work/r-$1.txt" &
  fi
  local reader=$!; pids+=("$reader")
  sleep 3
  local result; result=$(writes "$1")
  wait "$reader"
  local served_by; served_by=$(curl -s -o /dev/null -D - -H "$auth" "$node_url/dtables/$large" | awk -F': ' 'tolower($1) == "x-dtable-node" {print $2}' | tr -d '\r')
  echo "$result full_reads_per_s=$(awk '/Requests\/sec/ {print $2}' "$work/r-$1.txt") reads_served_by=$served_by"
}
read_cost() { # read_cost LABEL: CPU per full read with nothing else running (10 reads back to back)
  local node0 slave0 node1 slave1 hz; hz=$(getconf CLK_TCK)
  node0=$(cpu_ticks "$node_pid"); slave0=$(cpu_ticks "$slave_pid")
  for _ in $(seq 10); do curl -sf "${read_opts[@]}" -o /dev/null -H "$auth" "$node_url/dtables/$large"; done
  node1=$(cpu_ticks "$node_pid"); slave1=$(cpu_ticks "$slave_pid")
  echo "$1 owner_cpu_ms_per_full_read=$(( (node1 - node0) * 1000 / hz / 10 )) slave_cpu_ms_per_full_read=$(( (slave1 - slave0) * 1000 / hz / 10 ))"
}
warm_up() {
  wrk -t2 -c"$writers" -d20s -s "$work/put.lua" "$node_url" >/dev/null
  for _ in 1 2 3; do curl -sf "${read_opts[@]}" -o /dev/null -H "$auth" "$node_url/dtables/$large"; done
}

reads_desc=$([ -n "$read_rate" ] && echo "1 reader paced at $read_rate/s" || echo "$readers reader(s) back to back")
say "$rounds round(s), $secs s per run, $writers writers on the $target base, full reads: $reads_desc (gzip=$gzip)"
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$work/results"
slave_started=0
for round in $(seq 1 "$rounds"); do
  if [ "$round" -gt 1 ]; then stop_node; start_node without-slave; fi
  warm_up
  [ "$round" -gt 1 ] || { r=$(read_cost local); echo "round $round (r) $r" | tee -a "$work/results"; }
  r=$(writes a); echo "round $round (a) $r" | tee -a "$work/results"
  r=$(with_reads b); echo "round $round (b) $r" | tee -a "$work/results"
  stop_node
  [ "$slave_started" = 1 ] || { start_slave; slave_started=1; }
  start_node with-slave
  warm_up
  [ "$round" -gt 1 ] || { r=$(read_cost forwarded); echo "round $round (r') $r" | tee -a "$work/results"; }
  r=$(writes a2); echo "round $round (a') $r" | tee -a "$work/results"
  r=$(with_reads c); echo "round $round (c) $r" | tee -a "$work/results"
done
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "RESULT rows=$rows json_bytes=$bytes target=$target reads=\"$reads_desc\" seconds=$secs rounds=$rounds"
sed 's/^/RESULT /' "$work/results"
for round in $(seq 1 "$rounds"); do
  p99() { grep -F "round $round $1 " "$work/results" | sed 's/.*write_p99_ms=\([0-9.]*\).*/\1/'; }
  awk -v r="$round" -v a="$(p99 "(a)")" -v b="$(p99 "(b)")" -v a2="$(p99 "(a')")" -v c="$(p99 "(c)")" \
    'BEGIN { printf "RESULT round %d ratios (b)/(a)=%.2f (c)/(a\x27)=%.2f\n", r, b / a, c / a2 }'
done
for phase in "(a)" "(b)" "(a')" "(c)"; do
  grep -F "$phase" "$work/results" | sed 's/.*write_p99_ms=\([0-9.]*\).*/\1/' | sort -n \
    | awk -v p="$phase" '{ v[NR] = $1 } END { printf "RESULT median %s write_p99_ms=%s\n", p, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
done
