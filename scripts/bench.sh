#!/usr/bin/env bash
# Runs every benchmark of the app and the server and rewrites the README's measurement tables
# from their output (scripts/bench_readme.py), with each budget and whether it was met.
# Release builds throughout: the .deb (tauri build), the server and its examples, and a blank
# Tauri window built with the same profile as the memory baseline. About 30 minutes cold.
# Not a test: run it before calling a change to a hot path done.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

out=target/bench
rm -rf "$out" && mkdir -p "$out"
runs=${BENCH_SERVER_RUNS:-2}

# BENCH_SKIP_APP=1: the server's benchmarks only (the README's app table is left as it is).
if [[ "${BENCH_SKIP_APP:-0}" != 1 ]]; then
  echo "==> the app as it ships (scripts/package.sh: tauri build --bundles deb, release)"
  scripts/package.sh
  echo "==> cargo build --release (server, blank-window baseline)"
  cargo build --release --quiet -p lastmile-server
  echo "==> cargo build --profile soft-bench (the app with the software authenticator, to time a key)"
  cargo build --profile soft-bench --quiet -p lastmile --features test-hooks
  cargo build --release --quiet -p lastmile --example blank_window --features tauri/custom-protocol

  echo "==> the app (release; Xvfb, a private keyring)"
  LASTMILE_PRIVATE_KEYRING=1 scripts/with-keyring.sh \
    xvfb-run -a -s "-screen 0 1280x860x24" python3 scripts/bench.py "$@" | tee "$out/app.md"
fi

# BENCH_SKIP_SERVER=1: the app's benchmarks only (the README's server tables are left as they are).
if [[ "${BENCH_SKIP_SERVER:-0}" != 1 ]]; then
echo "==> the server's benchmarks (release; SQLite, and PostgreSQL with fsync on), $runs runs each"
cargo build --release --quiet -p lastmile-server --bins --examples
pg_dir=$(mktemp -d)
trap 'scripts/postgres.sh stop "$pg_dir" 2>/dev/null || true; rm -rf "$pg_dir"' EXIT
pg_url=$(scripts/postgres.sh start "$pg_dir" 55438)
for run in $(seq 1 "$runs"); do
  echo "--> run $run: this machine's speed before it (scripts/bench_machine.sh)"
  scripts/bench_machine.sh "before the run" | tee "$out/machine.$run.md"
  echo "--> run $run: TOTP (8,000 users: half closed loop, half open loop at 1,200/s)"
  target/release/examples/bench_totp 8000 | tee "$out/totp.$run.md"
  echo "--> run $run: security keys (SoftToken clients in this process)"
  target/release/examples/bench_webauthn | tee "$out/webauthn.$run.md"
  echo "--> run $run: sign-ins through the OpenID Connect provider (code flow, security key)"
  target/release/examples/bench_signin | tee "$out/signin.$run.md"
  echo "--> run $run: posture reports and the dashboard"
  LASTMILE_BENCH_DATABASE_URL="$pg_url" target/release/examples/bench_reports | tee "$out/reports.$run.md"
  echo "--> run $run: the server's own memory under the report load (the binary in its own process)"
  target/release/examples/bench_server_memory | tee "$out/memory.$run.md"
  echo "--> run $run: the write path under mixed load"
  target/release/examples/bench_mixed | tee "$out/mixed.$run.md"
  echo "--> run $run: this machine's speed after it"
  scripts/bench_machine.sh "after the run" | tee -a "$out/machine.$run.md"
done

echo "==> the sign-in page in Chromium (the release server; the end-to-end suite's harness)"
LASTMILE_BIN_DIR="$PWD/target/release" LASTMILE_PRIVATE_KEYRING=1 scripts/with-keyring.sh \
  cargo test -q --workspace --features lastmile/test-hooks --test e2e -- --ignored bench_the_sign_in_page --nocapture \
  | grep '^|' | tee "$out/signin-page.md"

echo "==> joining with the organisation's sign-in (release app and server; oidc-provider; Chromium)"
# The app embeds the window's pages: build them first (a fresh clone has no ui/dist).
npm --prefix ui run --silent build
cargo build --release --quiet -p lastmile
LASTMILE_BIN_DIR="$PWD/target/release" LASTMILE_PRIVATE_KEYRING=1 scripts/with-keyring.sh \
  cargo test -q --workspace --features lastmile/test-hooks --test e2e -- --ignored bench_joining_with_the_organisations_sign_in --nocapture \
  | grep '^|' | tee "$out/sso-join.md"

fi

echo "==> README.md: measurement tables rewritten from $out"
python3 scripts/bench_readme.py "$out" README.md
