# shellcheck shell=bash disable=SC2154  # settings come from bin/dev-cluster
# Sourced by bin/dev-cluster: `bin/dev-cluster token`, an HS256 JWT made with openssl.
# Uses the settings and helpers defined there (ROOT, DC_HOME, OFFSET, port_of, say, die, …).

base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# An HS256 JWT without starting a JVM; the same key rule as dtable.core.token.TokenService: the key's
# bytes when at least 32, else their SHA-256.
cmd_token() {
  local internal=0 base="" permission=rw username=dev@dev-cluster.local ttl=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --internal) internal=1 ;;
      --base) base=${2:-}; shift ;;
      --permission) permission=${2:-}; shift ;;
      --username) username=${2:-}; shift ;;
      --ttl) ttl=${2:-}; shift ;;
      *) die "token: unknown option '$1' (see bin/dev-cluster help)" ;;
    esac
    shift
  done
  local payload exp
  [[ "$ttl" =~ ^[0-9]*$ ]] || die "token: --ttl must be a number of seconds"
  if [ "$internal" = 1 ] && [ -n "$base" ]; then die "token: use --internal or --base UUID, not both"; fi
  if [ "$internal" = 1 ]; then
    exp=$(( $(date +%s) + ${ttl:-3600} ))
    payload="{\"is_internal\":true,\"exp\":$exp}"
  elif [ -n "$base" ]; then
    local hex
    hex=$(printf '%s' "$base" | tr 'A-F' 'a-f')
    [[ "$hex" =~ ^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$ ]] || die "token: invalid dtable_uuid '$base'"
    hex=${hex//-/}
    [ "${#hex}" = 32 ] || die "token: invalid dtable_uuid '$base'"
    local uuid="${hex:0:8}-${hex:8:4}-${hex:12:4}-${hex:16:4}-${hex:20:12}"
    [ "$permission" = rw ] || [ "$permission" = r ] || die "token: --permission must be rw or r"
    [[ "$username" =~ ^[^\"\\]*$ ]] || die "token: --username must not contain quotes or backslashes"
    exp=$(( $(date +%s) + ${ttl:-259200} ))
    payload="{\"dtable_uuid\":\"$uuid\",\"username\":\"$username\",\"permission\":\"$permission\",\"exp\":$exp}"
  else
    die "token: give --internal or --base UUID [--permission rw|r]"
  fi
  local key hexkey signing_input signature
  key=$(private_key)
  if [ "$(printf '%s' "$key" | wc -c)" -ge 32 ]; then
    hexkey=$(printf '%s' "$key" | od -An -v -tx1 | tr -d ' \n')
  else
    hexkey=$(printf '%s' "$key" | openssl dgst -sha256 -binary | od -An -v -tx1 | tr -d ' \n')
  fi
  signing_input="$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | base64url).$(printf '%s' "$payload" | base64url)"
  signature=$(printf '%s' "$signing_input" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary | base64url)
  printf '%s.%s\n' "$signing_input" "$signature"
}
