#!/bin/sh
# One member of a static etcd cluster. etcd reads every ETCD_* variable itself; this fills in the
# member's own URLs from ETCD_NAME (its host name on the compose network), so that docker-compose.yml
# sets only ETCD_NAME, ETCD_INITIAL_CLUSTER and ETCD_INITIAL_CLUSTER_TOKEN. Then etcd runs as PID 1.
set -eu
: "${ETCD_NAME:?set ETCD_NAME to this member's name, which must also be its host name}"
: "${ETCD_INITIAL_CLUSTER:?set ETCD_INITIAL_CLUSTER to name=http://name:2380,... for every member}"
export ETCD_DATA_DIR="${ETCD_DATA_DIR:-/var/lib/etcd/$ETCD_NAME}"
export ETCD_LISTEN_CLIENT_URLS="${ETCD_LISTEN_CLIENT_URLS:-http://0.0.0.0:2379}"
export ETCD_LISTEN_PEER_URLS="${ETCD_LISTEN_PEER_URLS:-http://0.0.0.0:2380}"
export ETCD_ADVERTISE_CLIENT_URLS="${ETCD_ADVERTISE_CLIENT_URLS:-http://$ETCD_NAME:2379}"
export ETCD_INITIAL_ADVERTISE_PEER_URLS="${ETCD_INITIAL_ADVERTISE_PEER_URLS:-http://$ETCD_NAME:2380}"
export ETCD_INITIAL_CLUSTER_STATE="${ETCD_INITIAL_CLUSTER_STATE:-new}"
# a member cut from its peers must not raise its term and depose a healthy leader on its return
# (etcd 3.4 has pre-vote off)
export ETCD_PRE_VOTE="${ETCD_PRE_VOTE:-true}"
exec etcd "$@"
