#!/usr/bin/env bash
# Puts socket.io-client's browser build into the proxy's static resources (TARGET/classes/static/vendor/),
# from npm at build time: `npm ci` of the lock file beside this script into TARGET/page-js, once per lock.
# Run by Maven (exec-maven-plugin, process-resources) with the module's target folder as argument.
# Without npm the build goes on with a warning and the page talks to the node's own WebSocket instead
# of socket.io through the proxy (docs/page.md); bin/lib/packages.sh installs npm for the dev cluster.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target=${1:?usage: vendor.sh TARGET_DIR}
work="$target/page-js"
out="$target/classes/static/vendor"

if ! command -v npm >/dev/null 2>&1; then
  echo "[WARNING] npm not found: the page is built without socket.io-client and will use the node's WebSocket (apt-get install npm)" >&2
  exit 0
fi
mkdir -p "$work" "$out"
cp "$here/package.json" "$here/package-lock.json" "$work/"
if ! cmp -s "$here/package-lock.json" "$work/node_modules/.installed-lock" 2>/dev/null; then
  (cd "$work" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
  cp "$here/package-lock.json" "$work/node_modules/.installed-lock"
fi
cp "$work/node_modules/socket.io-client/dist/socket.io.min.js" "$out/socket.io.min.js"
cp "$work/node_modules/socket.io-client/LICENSE" "$out/socket.io-client.LICENSE"
