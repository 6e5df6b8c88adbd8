# shellcheck shell=bash disable=SC2154  # settings come from bin/dev-cluster
# Sourced by bin/dev-cluster: `bin/dev-cluster token`, an HS256 JWT made with openssl.
# Uses the settings and helpers defined there (ROOT, DC_HOME, OFFSET, port_of, say, die, …).

base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# An HS256 JWT without starting a JVM; the same key rule as dtable.core.token.TokenService: the key's
# bytes when at least 32, else their SHA-256.
cmd_token() {
  local internal=0 base="" permission=rw username=dev@dev-cluster.local ttl="" api_base="" app=dev-script
  while [ $# -gt 0 ]; do
    case "$1" in
      --internal) internal=1 ;;
      --api-token) api_base=${2:-}; shift ;;
      --app) app=${2:-}; shift ;;
      --base) base=${2:-}; shift ;;
      --permission) permission=${2:-}; shift ;;
      --username) username=${2:-}; shift ;;
      --ttl) ttl=${2:-}; shift ;;
      *) die "token: unknown option '$1' (see bin/dev-cluster help)" ;;
    esac
    shift
  done
  if [ -n "$api_base" ]; then
    api_token "$api_base" "$permission" "$app"
    return
  fi
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

# `token --api-token UUID [--permission rw|r] [--app NAME]`: asks the running proxy for a new API token
# of the base (SPEC §9), with an internal token made here; prints the answer, the token as its last word.
api_token() {
  local base=$1 permission=$2 app=$3 internal body answer token
  [ -n "$base" ] || die "token: --api-token needs a base UUID"
  [ "$permission" = rw ] || [ "$permission" = r ] || die "token: --permission must be rw or r"
  [[ "$app" =~ ^[^\"\\/]+$ ]] || die "token: --app must not be empty or contain quotes, backslashes or '/'"
  internal=$(cmd_token --internal --ttl 300)
  body="{\"app_name\":\"$app\",\"permission\":\"$permission\"}"
  answer=$(curl -sS --max-time 10 -X POST -H "Authorization: Token $internal" -H 'Content-Type: application/json' \
    --data "$body" -w '\n%{http_code}' "$(url_of proxy)api/v1/dtables/$base/api-tokens/") \
    || die "token: the proxy at $(url_of proxy) is not reachable (is the dev cluster up?)"
  local status=${answer##*$'\n'}
  answer=${answer%$'\n'*}
  [ "$status" = 200 ] || die "token: the proxy refused ($status): $answer"
  token=$(printf '%s' "$answer" | sed -n 's/.*"api_token":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$token" ] || die "token: unexpected answer from the proxy: $answer"
  printf 'API token of app %s (%s) on base %s: %s\n' "$app" "$permission" "$base" "$token"
}
