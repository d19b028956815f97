#!/usr/bin/env bash
# The Lastmile demo: the server on loopback with an embedded SQLite database and a demo
# organisation, and the desktop app joined to it. Installs what it needs first.
# Safe to run again: the data in .lastmile-demo/ is reused. Ctrl-C stops everything.
#
#   LASTMILE_DEMO_PORT   server port (default 8443)
#   LASTMILE_DEMO_NO_WAIT=1  on a machine without a display, exit after `lastmile status`
set -euo pipefail
cd "$(dirname "$0")/.."

port="${LASTMILE_DEMO_PORT:-8443}"
url="http://127.0.0.1:$port"
demo="$PWD/.lastmile-demo"
mkdir -p "$demo"

scripts/setup.sh
echo "==> building the UI and the binaries (the first build takes a few minutes)"
npm --prefix ui run --silent build
cargo build --quiet -p lastmile -p lastmile-server

# The demo device keeps its settings and state in .lastmile-demo, not in your own profile.
export XDG_CONFIG_HOME="$demo/config" XDG_STATE_HOME="$demo/state"
unset LASTMILE_SERVER

server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if curl -fsS "$url/v1/health" >/dev/null 2>&1; then
  echo "==> a Lastmile server already answers on $url; using it"
else
  echo "==> starting lastmile-server on $url (data in $demo/server)"
  ./target/debug/lastmile-server serve --listen "127.0.0.1:$port" --data-dir "$demo/server" \
    >"$demo/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fsS "$url/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS "$url/v1/health" >/dev/null || { echo "the server did not start; see $demo/server.log" >&2; exit 1; }
fi

scripts/with-keyring.sh bash -s "$url" "$demo" "${server_pid:-}" <<'INNER'
set -euo pipefail
url=$1 demo=$2
status_json() { ./target/debug/lastmile status --json 2>/dev/null || true; }

if status_json | grep -q '"device_not_recognised"'; then
  # For instance: a previous run used a throwaway keyring, or the demo data was deleted.
  echo "==> this device's demo enrollment is no longer valid: leaving to join again"
  ./target/debug/lastmile leave >/dev/null
fi
if ! status_json | grep -q '"joined": true'; then
  link=$(./target/debug/lastmile-server admin --data-dir "$demo/server" demo --server-url "$url" --json |
    sed -n 's/.*"link": "\(.*\)".*/\1/p')
  echo "==> joining the demo organisation with $link"
  ./target/debug/lastmile join "$link"
fi

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  echo "==> opening the Lastmile window (close it to stop the demo)"
  ./target/debug/lastmile
else
  echo
  echo "No display here (DISPLAY and WAYLAND_DISPLAY are unset), so no window: this is what it would show."
  echo
  ./target/debug/lastmile status || true
  if [[ "${LASTMILE_DEMO_NO_WAIT:-0}" != 1 && -n "${3:-}" ]]; then
    echo
    echo "The server keeps running on $url (try: ./target/debug/lastmile status --json). Ctrl-C stops it."
    while kill -0 "$3" 2>/dev/null; do sleep 1; done
  fi
fi
INNER
