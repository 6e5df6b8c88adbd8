# shellcheck shell=bash disable=SC2154  # settings come from bin/dev-cluster
# Sourced by bin/dev-cluster: how each component is started: etcd, MariaDB, the Java services and their config files, the build.
# Uses the settings and helpers defined there (ROOT, DC_HOME, OFFSET, port_of, say, die, …).

# ---- etcd -----------------------------------------------------------------------------------------

start_etcd() {
  local name=$1 pid
  if pid=$(running_pid "$name"); then
    say "$name: already running (pid $pid)"
    return 0
  fi
  local client peer cluster=""
  local addr listen
  client=$(port_of "$name")
  peer=$(peer_port_of "$name")
  addr=$(addr_of "$name")
  if ! is_netns_member "$name"; then
    require_free_port "$name" "$client"
    require_free_port "$name" "$peer"
  fi
  cluster=$(etcd_initial_cluster)
  listen="http://$addr:$client"
  # on the host side of a namespaced copy: 127.0.0.1 too, for the tools on the host
  [ "$addr" != 127.0.0.1 ] && ! is_netns_member "$name" && listen="http://127.0.0.1:$client,$listen"
  mkdir -p "$DC_HOME/etcd"
  etcd_check_ports_of_data "$name" "$cluster"
  # --initial-* flags only matter on first start; afterwards the member reads its data dir.
  # --pre-vote: a member cut from its peers must not raise its term and, on return, depose a healthy
  # leader (etcd 3.4 has it off; without it a healed member cost about 2 s without a leader).
  spawn "$name" -- etcd --name "$name" --data-dir "$(marker_of "$name")" \
    --listen-client-urls "$listen" --advertise-client-urls "http://$addr:$client" \
    --listen-peer-urls "$(etcd_peer_url "$name")" --initial-advertise-peer-urls "$(etcd_peer_url "$name")" \
    --initial-cluster "$cluster" --initial-cluster-token "$(etcd_cluster_token)" \
    --initial-cluster-state new --pre-vote --logger zap --log-outputs stderr
  say "$name: started (pid $(cat "$(pid_file "$name")"), client port $client, peer port $peer)"
}

# ---- MariaDB --------------------------------------------------------------------------------------

start_mysql() {
  local pid port data socket
  if pid=$(running_pid mysql); then
    say "mysql: already running (pid $pid)"
    return 0
  fi
  port=$(port_of mysql)
  require_free_port mysql "$port"
  data=$(marker_of mysql)
  socket=$(mysql_socket)
  local as_user=()
  [ "$(id -u)" = 0 ] && as_user=(--user=root)
  if [ ! -d "$data/mysql" ]; then
    say "mysql: initialising a new data folder in $data"
    rm -rf "$data" && mkdir -p "$data"
    if ! mariadb-install-db --no-defaults --datadir="$data" "${as_user[@]}" \
        --auth-root-authentication-method=normal --skip-test-db \
        >"$LOG_DIR/mysql-install.log" 2>&1; then
      tail -n 20 "$LOG_DIR/mysql-install.log" >&2
      rm -rf "$data"
      die "mysql: mariadb-install-db failed; see $LOG_DIR/mysql-install.log"
    fi
  fi
  mkdir -p "$DC_HOME/mysql/tmp"
  rm -f "$socket" # a socket left by a killed server would block the new one
  local bind=127.0.0.1
  netns_on && bind="127.0.0.1,$(netns_host_addr)"
  spawn mysql -- mariadbd --no-defaults "${as_user[@]}" --datadir="$data" --port="$port" \
    --bind-address="$bind" --socket="$socket" --pid-file="$DC_HOME/mysql/mariadbd.pid" \
    --tmpdir="$DC_HOME/mysql/tmp" --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-connections=1000 --max-allowed-packet=256M --innodb-buffer-pool-size=256M \
    --innodb-flush-log-at-trx-commit=1
  say "mysql: started (pid $(cat "$(pid_file mysql)"), port $port)"
}

# Database and user for the services; idempotent, run after every start.
bootstrap_mysql() {
  mariadb --no-defaults --socket="$(mysql_socket)" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'%' IDENTIFIED BY '$MYSQL_PASSWORD';
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'localhost' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON \`dtable\\_%\`.* TO '$MYSQL_USER'@'%';
GRANT ALL PRIVILEGES ON \`dtable\\_%\`.* TO '$MYSQL_USER'@'localhost';
SQL
}

# ---- services -------------------------------------------------------------------------------------

private_key() {
  local file=$DC_HOME/private_key
  if [ ! -s "$file" ]; then
    (umask 077 && openssl rand -hex 32 >"$file.tmp" && mv "$file.tmp" "$file")
  fi
  cat "$file"
}

slave_url_line() {
  if has_jar slave; then printf '  "dtable_server_slave_url": "%s",\n' "$(url_of slave)"; fi
}

# The keys every service's config starts with: MariaDB and the signing key.
common_conf_lines() {
  cat <<EOF
  "host": "$(addr_of mysql)",
  "port": $(port_of mysql),
  "user": "$MYSQL_USER",
  "password": "$MYSQL_PASSWORD",
  "database": "$MYSQL_DATABASE",
  "private_key": "$(private_key)",
  "listen_port": $(port_of "$1"),
EOF
}

# The first keys of "cluster_config": where etcd is.
etcd_conf_lines() {
  printf '    "etcd_host_list": %s,\n    "etcd_prefix": "%s"' "$(etcd_json_list)" "$ETCD_PREFIX"
}

# Writes NAME's config file into its own DTABLE_CONF_DIR; regenerated on every start so it follows
# this script. Keys: cluster-core's dtable.core.config records.
write_conf() {
  local name=$1 dir=$DC_HOME/conf/$1 file own cluster
  mkdir -p "$dir"
  # per kind: its file, its top-level keys (each line ending with a comma) and its cluster_config keys after etcd's
  case "$(kind_of "$name")" in
    node)
      file=dtable_server_config.json
      own=$(cat <<EOF
  "listen_host": "$(listen_addr_of "$name")",
  "write_port": $(peer_port_of "$name"),
  "worker_threads_rows_limit": $WORKER_THREADS_ROWS_LIMIT,
$(slave_url_line)
EOF
)
      cluster=$(cat <<EOF
    "node_id": "$name",
    "node_url": "$(url_of "$name")",
    "local_node_url": "$(local_url_of "$name")",
    "lease_ttl_seconds": $LEASE_TTL_SECONDS
EOF
)
      ;;
    proxy)
      file=dtable_server_proxy_config.json
      own=$(printf '  "retry_budget_ms": 15000,\n%s' "$(slave_url_line)")
      cluster=
      ;;
    monitor)
      file=cluster_monitor_config.json
      own=$(cat <<EOF
  "check_interval_seconds": 5,
  "auto_rebalance": false,
  "max_moves_per_rebalance": 0,
EOF
)
      cluster=$(cat <<EOF
    "monitor_id": "$name-1",
    "monitor_url": "$(url_of "$name")",
    "election_lease_ttl_seconds": $LEASE_TTL_SECONDS
EOF
)
      ;;
    slave)
      file=dtable_server_slave_config.json
      own=$(cat <<EOF
  "dtable_server_proxy": "$(url_of proxy)",
  "max_cached_rows": 2000000,
EOF
)
      cluster=$(cat <<EOF
    "node_id": "dtable-server-slave",
    "local_node_url": "$(url_of "$name")"
EOF
)
      ;;
  esac
  if [[ -n $cluster ]]; then cluster=$',\n'$cluster; fi
  cat >"$dir/$file" <<EOF
// generated by bin/dev-cluster for $name; edits are overwritten at the next start
{
$(common_conf_lines "$name")
$own
  "cluster_config": {
$(etcd_conf_lines)$cluster
  }
}
EOF
  chmod 600 "$dir/$file"
  echo "$dir"
}

# The address a service binds: every address of its namespace, or the one it is reached at.
listen_addr_of() {
  if is_netns_member "$1"; then echo 0.0.0.0; else addr_of "$1"; fi
}

start_service() {
  local name=$1 pid port conf
  if pid=$(running_pid "$name"); then
    if [ "$ROOT/${SERVICE_JAR[$name]}" -nt "$(pid_file "$name")" ]; then
      say "$name: already running (pid $pid) an older build; 'bin/dev-cluster stop $name && bin/dev-cluster start $name' picks up the new jar"
    else
      say "$name: already running (pid $pid)"
    fi
    return 0
  fi
  has_jar "$name" || die "$name: ${SERVICE_JAR[$name]} is not built (run bin/dev-cluster up, or ./mvnw -B -q package -DskipTests)"
  port=$(port_of "$name")
  if ! is_netns_member "$name"; then
    require_free_port "$name" "$port"
    # a node's write port (the topology's second port)
    if [ -n "${PEER_PORT[$name]:-}" ]; then require_free_port "$name" "$(peer_port_of "$name")"; fi
  fi
  conf=$(write_conf "$name")
  local args=(--server.port="$port" --server.address="$(listen_addr_of "$name")")
  case "$(kind_of "$name")" in
    node|slave)
      # until the service builds its DataSource from its config file, Spring Boot's own keys say where MySQL is
      args+=(--spring.datasource.url="jdbc:mysql://$(addr_of mysql):$(port_of mysql)/$MYSQL_DATABASE"
             --spring.datasource.username="$MYSQL_USER" --spring.datasource.password="$MYSQL_PASSWORD") ;;
  esac
  # shellcheck disable=SC2086 # DEV_CLUSTER_JAVA_OPTS is a list of options
  spawn "$name" DTABLE_CONF_DIR="$conf" -- "$JAVA_HOME/bin/java" "$(marker_of "$name")" \
    -Xms64m "-Xmx${SERVICE_HEAP[$name]}" -XX:+ExitOnOutOfMemoryError ${DEV_CLUSTER_JAVA_OPTS:-} \
    -jar "$ROOT/${SERVICE_JAR[$name]}" "${args[@]}"
  say "$name: started (pid $(cat "$(pid_file "$name")"), port $port, conf $conf)"
}

# ---- build ----------------------------------------------------------------------------------------

# MODULE... and every module of this repository they depend on, directly or not (read from the pom.xml files:
# a dependency whose artifactId is a folder with a pom.xml at the root).
modules_built_from() {
  local -A seen=()
  local pending=("$@") module dep
  while [ "${#pending[@]}" -gt 0 ]; do
    module=${pending[0]}
    pending=("${pending[@]:1}")
    [ -n "${seen[$module]:-}" ] && continue
    seen[$module]=1
    echo "$module"
    while read -r dep; do
      [ -f "$ROOT/$dep/pom.xml" ] && [ -z "${seen[$dep]:-}" ] && pending+=("$dep")
    done < <(sed -n '/<dependencies>/,/<\/dependencies>/s:.*<artifactId>\([^<]*\)</artifactId>.*:\1:p' "$ROOT/$module/pom.xml")
  done
}

# True when a service jar is missing or older than a source file of a module it is built from.
jars_stale() {
  local name jar oldest=""
  for name in "${SERVICES[@]}"; do
    jar=$ROOT/${SERVICE_JAR[$name]}
    [ -f "$jar" ] || return 0
    if [ -z "$oldest" ] || [ "$jar" -ot "$oldest" ]; then oldest=$jar; fi
  done
  local sources=("$ROOT/pom.xml")
  local module
  while read -r module; do
    sources+=("$ROOT/$module/pom.xml")
    [ -d "$ROOT/$module/src/main" ] && sources+=("$ROOT/$module/src/main")
  done < <(modules_built_from "${SERVICE_MODULES[@]}")
  [ -n "$(find "${sources[@]}" -newer "$oldest" -print -quit 2>/dev/null)" ]
}

build_if_stale() {
  if [ "${DEV_CLUSTER_SKIP_BUILD:-}" = 1 ]; then
    return 0
  fi
  jars_stale || return 0
  local started
  started=$(now)
  say "build: jars missing or older than the sources; running ./mvnw -B -q package (tests skipped)"
  # maven.test.skip also skips compiling tests: a test being edited elsewhere must not block the cluster
  if ! (cd "$ROOT" && ./mvnw -B -q package -Dmaven.test.skip=true \
      -pl "$(IFS=,; echo "${SERVICE_MODULES[*]}")" -am \
      </dev/null >"$LOG_DIR/build.log" 2>&1 9>&-); then
    tail -n 30 "$LOG_DIR/build.log" >&2
    die "build failed; see $LOG_DIR/build.log (DEV_CLUSTER_SKIP_BUILD=1 uses the existing jars)"
  fi
  # Maven may leave an up-to-date jar untouched; mark the jars as built from these sources
  local name
  for name in "${SERVICES[@]}"; do
    if has_jar "$name"; then touch "$ROOT/${SERVICE_JAR[$name]}"; fi
  done
  say "build: done in $(since "$started")"
}
