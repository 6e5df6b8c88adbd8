# shellcheck shell=bash disable=SC2154  # settings come from bin/dev-cluster
# Sourced by bin/dev-cluster: PID files, starting and stopping processes, health checks.
# Uses the settings and helpers defined there (ROOT, DC_HOME, OFFSET, port_of, say, die, …).

# ---- processes ------------------------------------------------------------------------------------

pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$LOG_DIR/$1.log"; }

# A string that appears on the command line of this copy's process for NAME, so that a PID file
# left behind after a reboot never makes us signal an unrelated process that reused the PID.
marker_of() {
  case "$(kind_of "$1")" in
    etcd) echo "$DC_HOME/etcd/$1" ;;
    mysql) echo "$DC_HOME/mysql/data" ;;
    *) echo "-Ddtable.dev-cluster.component=$DC_HOME/$1" ;;
  esac
}

# True when PID is a live process (a zombie is not: PID 1 in a container may never reap it).
pid_alive() {
  local state
  [ -r "/proc/$1/stat" ] || return 1
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Prints the PID of NAME when it is running (from its PID file), else fails.
running_pid() {
  local file pid
  file=$(pid_file "$1")
  [ -s "$file" ] || return 1
  pid=$(cat "$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(marker_of "$1")" || return 1
  echo "$pid"
}

# spawn NAME ENV... -- COMMAND...: starts COMMAND in its own session (so Ctrl-C on `up` does not reach
# it), stdout+stderr to NAME's log (the previous log is kept as .log.1), and records its PID.
spawn() {
  local name=$1 file log
  shift
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  file=$(pid_file "$name")
  log=$(log_file "$name")
  rm -f "$file"
  [ -f "$log" ] && mv -f "$log" "$log.1"
  printf '=== %s: started by bin/dev-cluster at %s\n' "$name" "$(date -Is)" >"$log"
  # the inner shell writes its own PID, then becomes the program (exec keeps the PID); fd 9 is the
  # lock held by this script and must not stay open in daemons
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  # a namespaced component (DEV_CLUSTER_NETNS=1) starts inside its namespace: ip netns exec keeps the PID too
  local wrap=()
  mapfile -t wrap < <(netns_exec_prefix "$name")
  (cd "$DC_HOME" && exec env "${envs[@]}" "${wrap[@]}" setsid bash -c 'echo $$ > "$0"; exec "$@"' "$file" "$@") \
    </dev/null >>"$log" 2>&1 9>&- &
  local tries=0
  until [ -s "$file" ]; do
    tries=$((tries + 1))
    [ "$tries" -gt 100 ] && die "$name did not start (no PID after 5 s); see $log"
    sleep 0.05
  done
}

# Fails with a clear message when PORT is taken by a process that is not ours.
require_free_port() {
  local name=$1 port=$2 holder
  holder=$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n 1)
  if [ -n "$holder" ]; then
    die "$name: port $port is already in use (${holder##* }); stop that process or set DEV_CLUSTER_PORT_OFFSET"
  fi
}

# stop_components SIGNAL TIMEOUT NAME...: signals all at once, waits up to TIMEOUT seconds for all,
# then SIGKILLs whatever is left.
stop_components() {
  local signal=$1 timeout=$2 name pid
  shift 2
  local -A pids=()
  for name in "$@"; do
    if pid=$(running_pid "$name"); then
      kill "-$signal" "$pid" 2>/dev/null || true
      pids[$name]=$pid
      say "$name: sent SIG$signal to pid $pid"
    else
      rm -f "$(pid_file "$name")"
    fi
  done
  local deadline
  deadline=$(( $(date +%s) + timeout ))
  while :; do
    local left=0
    for name in "${!pids[@]}"; do
      if pid_alive "${pids[$name]}"; then left=1; fi
    done
    [ "$left" = 0 ] && break
    if [ "$(date +%s)" -ge "$deadline" ]; then
      for name in "${!pids[@]}"; do
        if pid_alive "${pids[$name]}"; then
          say "$name: still running after ${timeout} s, sending SIGKILL"
          kill -KILL "${pids[$name]}" 2>/dev/null || true
        fi
      done
      deadline=$(( $(date +%s) + 10 ))
      timeout=10
    fi
    sleep 0.1
  done
  for name in "${!pids[@]}"; do
    rm -f "$(pid_file "$name")"
    say "$name: stopped"
  done
}

# ---- health ---------------------------------------------------------------------------------------

healthy() {
  local name=$1
  case "$(kind_of "$name")" in
    etcd)
      ETCDCTL_API=3 etcdctl --endpoints="http://$(client_addr_of "$name")" --dial-timeout=1s \
        --command-timeout=2s endpoint health >/dev/null 2>&1 ;;
    mysql)
      mariadb-admin --no-defaults --socket="$(mysql_socket)" -uroot --connect-timeout=2 ping >/dev/null 2>&1 ;;
    *)
      [ "$(curl -fsS --max-time 2 "$(url_of "$name")ping/" 2>/dev/null)" = pong ] ;;
  esac
}

# wait_healthy TIMEOUT NAME...: polls all at once, prints a line as each becomes healthy; on a process
# exit or the timeout prints the end of its log and fails.
wait_healthy() {
  local timeout=$1 name failed=0 started
  shift
  started=$(now)
  local deadline=$(( $(date +%s) + timeout ))
  local pending=("$@")
  while [ "${#pending[@]}" -gt 0 ]; do
    local still=()
    for name in "${pending[@]}"; do
      if healthy "$name"; then
        say "$name: healthy after $(since "$started")"
      elif ! running_pid "$name" >/dev/null; then
        say "$name: exited before becoming healthy; last lines of $(log_file "$name"):"
        tail -n 25 "$(log_file "$name")" | sed 's/^/    /'
        failed=1
      else
        still+=("$name")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    [ "${#pending[@]}" = 0 ] && break
    if [ "$(date +%s)" -ge "$deadline" ]; then
      for name in "${pending[@]}"; do
        say "$name: not healthy after ${timeout} s; last lines of $(log_file "$name"):"
        tail -n 25 "$(log_file "$name")" | sed 's/^/    /'
      done
      return 1
    fi
    sleep 0.25
  done
  return "$failed"
}

# share_buckets: assignments are stable on purpose (a node that joins gets buckets only from a rebalance),
# so a node that registered after the monitor's first assignment would serve nothing after `up`. Waits
# (at most 30 s) until every started node is registered, then rebalances once if one of them has no bucket.
share_buckets() {
  local nodes=() name
  local monitor=""
  for name in "$@"; do
    is_node "$name" && nodes+=("$name")
    [ "$(kind_of "$name")" = monitor ] && monitor=$name
  done
  [ "${#nodes[@]}" -gt 1 ] && [ -n "$monitor" ] || return 0
  local token body idle deadline=$(( $(date +%s) + 30 ))
  token=$(cmd_token --internal --ttl 120)
  while :; do
    idle=() ; local waiting=0
    for name in "${nodes[@]}"; do
      body=$(curl -fsS --max-time 2 -H "Authorization: Token $token" "$(url_of "$name")api/v1/admin/node/" 2>/dev/null) || body=""
      case "$body" in
        *'"registered":true'*'"buckets":[]'*) idle+=("$name") ;;
        *'"registered":true'*) ;;
        *) waiting=1 ;;
      esac
    done
    if [ "$waiting" = 0 ] || [ "$(date +%s)" -ge "$deadline" ]; then break; fi
    sleep 0.5
  done
  [ "${#idle[@]}" -gt 0 ] || return 0
  body=$(curl -fsS --max-time 10 -X POST -H "Authorization: Token $token" "$(url_of "$monitor")rebalance/" 2>&1) \
    || { say "warning: ${idle[*]} serve no bucket and the rebalance failed: $body"; return 0; }
  say "${idle[*]}: registered after the monitor's first assignment; rebalanced ($(printf '%s' "$body" \
    | grep -o '"moved":[0-9]*' | cut -d: -f2) buckets moved)"
}
