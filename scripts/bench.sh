#!/usr/bin/env bash
# Measures the app against its budgets and prints a Markdown table (the README's).
# Release builds throughout: the .deb (tauri build), the server, and a blank Tauri window
# built with the same profile as the memory baseline. Takes about 10 minutes cold.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

echo "==> tauri build --bundles deb (release)"
npm --prefix ui run --silent build
npx --yes @tauri-apps/cli@2.12.5 build --bundles deb >/tmp/lastmile-tauri-build.log 2>&1 ||
  { tail -30 /tmp/lastmile-tauri-build.log; exit 1; }
echo "==> cargo build --release (server, blank-window baseline)"
cargo build --release --quiet -p lastmile-server
echo "==> cargo build --profile soft-bench (the app with the software authenticator, to time a key)"
cargo build --profile soft-bench --quiet -p lastmile --features soft-authenticator
cargo build --release --quiet -p lastmile --example blank_window --features tauri/custom-protocol

LASTMILE_PRIVATE_KEYRING=1 scripts/with-keyring.sh \
  xvfb-run -a -s "-screen 0 1280x860x24" python3 scripts/bench.py "$@"

echo "==> TOTP on the server (release, SQLite, HTTP on loopback)"
cargo run --quiet --release -p lastmile-server --example bench_totp

echo "==> Security keys on the server (release, SQLite, HTTP on loopback, software authenticator)"
cargo run --quiet --release -p lastmile-server --example bench_webauthn

echo "==> Posture reports and the dashboard (release; SQLite, then PostgreSQL with fsync on, both on loopback)"
pg_dir=$(mktemp -d)
trap 'scripts/postgres.sh stop "$pg_dir" 2>/dev/null || true; rm -rf "$pg_dir"' EXIT
pg_url=$(scripts/postgres.sh start "$pg_dir" 55438)
LASTMILE_BENCH_DATABASE_URL="$pg_url" cargo run --quiet --release -p lastmile-server --example bench_reports
