# shellcheck shell=bash disable=SC2034  # the lists are used by the scripts that source this file
# Sourced by bin/test and bin/dev-cluster: the Debian/Ubuntu packages the project needs, in ONE place.
#
# Each entry is "<binary> <package>": the package is installed when the binary is found neither on
# PATH nor in /usr/sbin or /sbin. When every binary is present, nothing touches apt at all, so a
# re-run costs nothing. To make the tests depend on another tool, add a line to TEST_PACKAGES.

DEV_CLUSTER_PACKAGES=(
  "etcd etcd-server"
  "etcdctl etcd-client"
  "mariadbd mariadb-server"
  "mariadb-install-db mariadb-server"
  "mariadb mariadb-client"
  "mariadb-admin mariadb-client"
  "openssl openssl"
  "curl curl"
  "ss iproute2"
  "flock util-linux"
  "setsid util-linux"
  # building the proxy vendors the page's socket.io-client from npm (dtable-server-proxy/src/main/js)
  "npm npm"
)

TEST_PACKAGES=(
  "${DEV_CLUSTER_PACKAGES[@]}"
  # the monitor's dashboard test drives Debian's headless Chromium
  "chromium chromium"
  "chromedriver chromium-driver"
  # SeaTableClientIT runs SeaTable's own client (dtable-store, socket.io-client) under node, installed with npm ci
  "node nodejs"
  "npm npm"
  # PartitionScenariosIT cuts links with iptables DROP rules inside network namespaces (as root; skipped without it)
  "iptables iptables"
)

# Where Debian puts daemons (mariadbd); not on a normal user's PATH.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac
export PATH

# Runs a command as root: directly when we are root, else through sudo (non-interactive when there is no TTY).
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
  else
    echo "error: need root to run: $*  (no sudo found)" >&2
    return 1
  fi
}

APT_UPDATED=0
apt_update_once() {
  [ "$APT_UPDATED" = 1 ] && return 0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null && APT_UPDATED=1
}

# apt-get install, without prompts, without reading stdin, and without letting the packages start
# their system services (Debian's etcd would take port 2379 from the dev cluster): a temporary
# policy-rc.d answering 101 ("action forbidden") is the documented way to say so.
apt_install() {
  local policy=/usr/sbin/policy-rc.d created=0 rc=0
  if [ ! -e "$policy" ]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && created=1
  fi
  apt_update_once || rc=$?
  if [ "$rc" = 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null || rc=$?
  fi
  if [ "$created" = 1 ]; then as_root rm -f "$policy"; fi
  return "$rc"
}

have_binary() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

# ensure_packages "<binary> <package>"...: installs the packages of missing binaries (apt-get update once).
ensure_packages() {
  local entry binary package missing=()
  for entry in "$@"; do
    binary=${entry%% *}
    package=${entry#* }
    if ! have_binary "$binary"; then
      case " ${missing[*]-} " in *" $package "*) ;; *) missing+=("$package") ;; esac
    fi
  done
  [ "${#missing[@]}" = 0 ] && return 0
  echo "installing missing packages: ${missing[*]}" >&2
  if ! apt_install "${missing[@]}"; then
    echo "error: could not install ${missing[*]}; install them yourself (apt-get install ${missing[*]})" >&2
    return 1
  fi
  for entry in "$@"; do
    binary=${entry%% *}
    have_binary "$binary" || { echo "error: ${entry#* } is installed but '$binary' is still missing" >&2; return 1; }
  done
}

# ensure_jdk: exports JAVA_HOME for a JDK >= 21 (bin/lib/java-home.sh), installing one when there is none.
ensure_jdk() {
  local lib
  lib="$(dirname "${BASH_SOURCE[0]}")/java-home.sh"
  # shellcheck source=bin/lib/java-home.sh
  if ! (. "$lib") >/dev/null 2>&1; then
    local candidate
    apt_update_once || true
    for candidate in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
      if apt-cache show "$candidate" >/dev/null 2>&1; then
        echo "installing $candidate (no JDK 21 or newer found)" >&2
        apt_install "$candidate" && break
      fi
    done
  fi
  # shellcheck source=bin/lib/java-home.sh
  . "$lib"
}
