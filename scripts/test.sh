#!/usr/bin/env bash
# Runs every check and test Lastmile has. Installs what it needs first (scripts/setup.sh --test).
# This is what CI runs (.ci/run). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "setup"
scripts/setup.sh --test
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step "ui: build, type check, lint"
npm --prefix ui run --silent build
npm --prefix ui run --silent check
npm --prefix ui run --silent lint

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "cargo build (the binaries the end-to-end tests run)"
cargo build --workspace --quiet

step "cargo test (real server, real keyring, real window under Xvfb)"
LASTMILE_PRIVATE_KEYRING=1 scripts/with-keyring.sh \
  xvfb-run -a -s "-screen 0 1280x860x24" \
  cargo test --workspace --quiet

step "cargo check --target x86_64-pc-windows-msvc (the app and every crate it is built from)"
cargo check --quiet -p lastmile --target x86_64-pc-windows-msvc

step "cargo check --target aarch64-apple-darwin (the app's crates except src-tauri)"
cargo check --quiet -p lastmile-core -p lastmile-proto -p lastmile-device -p lastmile-client -p lastmile-agent \
  --target aarch64-apple-darwin

step "all checks passed in $((SECONDS - started)) s (screenshots in artifacts/)"
