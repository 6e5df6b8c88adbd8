# shellcheck shell=bash disable=SC2154  # settings come from bin/dev-cluster
# Sourced by bin/dev-cluster: losing and restoring etcd's data (docs/operations.md, "etcd lost or restored").
# Uses the settings and helpers defined there (ROOT, DC_HOME, ETCD_MEMBERS, port_of, say, die, …).

etcd_peer_url() { echo "http://$(addr_of "$1"):$(peer_port_of "$1")"; }
etcd_cluster_token() { echo "dtable-dev-cluster-$OFFSET"; }

etcd_initial_cluster() {
  local cluster="" member
  for member in "${ETCD_MEMBERS[@]}"; do
    cluster+="${cluster:+,}$member=$(etcd_peer_url "$member")"
  done
  echo "$cluster"
}

# Stops every member, in reverse start order.
stop_etcd_members() {
  local members
  mapfile -t members < <(reversed "${ETCD_MEMBERS[@]}")
  stop_components TERM "$(stop_timeout_of "${members[0]}")" "${members[@]}"
}

# A member's data dir holds the peer URLs it was created with; started at another DEV_CLUSTER_PORT_OFFSET it
# would wait for peers at the old ports forever. So the URLs are written down next to a new data dir, and a
# start with different ones stops with what to do instead.
etcd_check_ports_of_data() {
  local member=$1 cluster=$2 data recorded
  data=$(marker_of "$member")
  recorded="$data.initial-cluster"
  if [ ! -d "$data" ]; then
    echo "$cluster" >"$recorded"
  elif [ -f "$recorded" ] && [ "$(cat "$recorded")" != "$cluster" ]; then
    die "$member: its data in $data was made for other ports ($(cat "$recorded")), not for DEV_CLUSTER_PORT_OFFSET=$OFFSET; start with the offset it was made with, or run \`bin/dev-cluster down\` and delete $DC_HOME/etcd to start etcd empty (the bases stay in MariaDB; the monitor rebuilds the map)"
  fi
}

etcd_stop_all_and_delete_data() {
  stop_etcd_members
  local member
  for member in "${ETCD_MEMBERS[@]}"; do
    running_pid "$member" >/dev/null && die "$member still running; not deleting its data"
    rm -rf -- "$(marker_of "$member")"
  done
}

etcd_start_all() {
  local member
  for member in "${ETCD_MEMBERS[@]}"; do start_etcd "$member"; done
  wait_healthy 60 "${ETCD_MEMBERS[@]}" || die "etcd did not become healthy"
}

# reset-etcd: the three members lose their data and start again empty (revision 1, no keys, no leases),
# as after rebuilding the etcd cluster. The services are left running: they must notice and heal.
cmd_reset_etcd() {
  lock
  local started
  started=$(now)
  etcd_stop_all_and_delete_data
  say "etcd: data of ${ETCD_MEMBERS[*]} deleted"
  etcd_start_all
  say "etcd: empty cluster up in $(since "$started"); the services recover by themselves"
}

# etcd-snapshot save FILE | restore FILE (etcdctl of Debian's etcd-client, 3.4: `etcdctl snapshot restore`;
# etcd 3.5+ would use `etcdutl snapshot restore`).
cmd_etcd_snapshot() {
  local action=${1:-} file=${2:-}
  [ -n "$file" ] || die "usage: bin/dev-cluster etcd-snapshot save|restore FILE"
  case "$action" in
    save)
      ETCDCTL_API=3 etcdctl --endpoints="http://127.0.0.1:$(port_of "${ETCD_MEMBERS[0]}")" snapshot save "$file" >/dev/null \
        || die "etcdctl snapshot save $file failed"
      say "etcd: snapshot saved to $file"
      ;;
    restore)
      [ -s "$file" ] || die "no snapshot at $file"
      lock
      local started member restore_log
      started=$(now)
      restore_log=$(log_file etcd-restore)
      etcd_stop_all_and_delete_data
      for member in "${ETCD_MEMBERS[@]}"; do
        ETCDCTL_API=3 etcdctl snapshot restore "$file" --name "$member" --data-dir "$(marker_of "$member")" \
          --initial-cluster "$(etcd_initial_cluster)" --initial-cluster-token "$(etcd_cluster_token)" \
          --initial-advertise-peer-urls "$(etcd_peer_url "$member")" >>"$restore_log" 2>&1 \
          || die "etcdctl snapshot restore for $member failed (see $restore_log)"
        etcd_initial_cluster >"$(marker_of "$member").initial-cluster"
      done
      etcd_start_all
      say "etcd: restored from $file in $(since "$started"); the services recover by themselves"
      ;;
    *) die "usage: bin/dev-cluster etcd-snapshot save|restore FILE" ;;
  esac
}
