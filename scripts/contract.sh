#!/usr/bin/env bash
# The API contract, checked against the live server: schemathesis (installed by
# `scripts/setup.sh --test`) reads /openapi.json and sends schema-driven requests, valid and
# invalid, with every check on: no server error, no undocumented status, no answer that
# contradicts its schema, schema-valid requests accepted (except the semantic refusals that
# tests/contract/schemathesis.toml names), invalid ones refused. Bounded (a fixed seed and
# 20 examples per operation) so that it is a regression check, not an open-ended search.
#   scripts/contract.sh [path/to/lastmile-server]
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
server_bin="${1:-$target/debug/lastmile-server}"
st="$target/tools/contract-venv/bin/schemathesis"
[[ -x "$st" ]] || { echo "schemathesis is missing: run scripts/setup.sh --test" >&2; exit 1; }
[[ -x "$server_bin" ]] || { echo "build the server first: cargo build -p lastmile-server" >&2; exit 1; }

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

export LASTMILE_DATA_DIR="$data" LASTMILE_LOG=warn
invite=$("$server_bin" admin demo --server-url "$base" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
admin_token=$("$server_bin" admin token create --org demo --name contract 2>/dev/null)
# With the OpenID Connect provider on, so its documents are checked too.
"$server_bin" serve --listen "127.0.0.1:$port" --oidc-issuer "$base" >"$data/server.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -fs "$base/v1/health" >/dev/null && break; sleep 0.1; done

post() { curl -fsS -X POST "$base$1" -H 'content-type: application/json' "${@:2}"; }
claims='{"hostname":"contract","os_name":"Linux","os_version":"1","arch":"x86_64","app_version":"1"}'
device_token=$(post /v1/devices/join -d "{\"invite_code\":\"$invite\",\"device\":$claims}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["device_token"])')
# A second device in a recovery session, for the recovery endpoints.
code=$(post /v1/factors/recovery-codes -H "Authorization: Bearer $device_token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["codes"][0])')
session_token=$(post /v1/recovery/sign-in -d "{\"username\":\"alex@demo.lastmile.test\",\"recovery_code\":\"$code\",\"attempt_id\":\"contract-attempt-000001\",\"device\":$claims}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["device_token"])')

export CONTRACT_DEVICE_TOKEN="$device_token" CONTRACT_SESSION_TOKEN="$session_token" CONTRACT_ADMIN_TOKEN="$admin_token"
"$st" --config-file tests/contract/schemathesis.toml --no-color run "$base/openapi.json" \
  --checks all --max-examples 20 --seed 1 --workers 1
