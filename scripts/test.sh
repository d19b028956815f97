#!/usr/bin/env bash
# Runs every check and test Lastmile has. Installs what it needs first (scripts/setup.sh --test).
# This is what CI runs (.ci/run). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

# One run of everything from a clean tree gains nothing from incremental compilation, whose
# caches took a quarter of the target directory (2.4 of 10 GB): off unless asked for.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step "setup"
# The disk is what ran out once (a cold run's target directory is about 6 GB): say what there is.
df -h . | awk 'NR == 2 { print "disk: " $4 " free of " $2 }'
scripts/setup.sh --test
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step "ui: build, type check, lint"
npm --prefix ui run --silent build
npm --prefix ui run --silent check
npm --prefix ui run --silent lint

step "cargo fmt --check"
cargo fmt --all --check

# The end-to-end tests drive the app with the crate's software authenticator and managed
# settings from a fixture: test hooks only a build with this feature carries (the packaged
# app refuses it at compile time; see "the app as it ships" below).
test_features=(--features lastmile/test-hooks)

step "cargo clippy (all targets, warnings are errors; as shipped and as tested)"
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy --workspace --all-targets --quiet "${test_features[@]}" -- -D warnings

# Built the way `cargo test` builds them: a plain `cargo build` resolves the dependencies'
# features without the dev-dependencies, which made a second copy of the whole dependency
# graph (tauri, sqlx, tokio...) that the tests then replaced anyway. One graph, one copy.
step "cargo test --no-run (the tests and the binaries the end-to-end tests run)"
cargo test --workspace --no-run --quiet "${test_features[@]}"

step "the app as it ships (scripts/package.sh: tauri build, release, the .deb, into target/packaged)"
CARGO_TARGET_DIR=target/packaged scripts/package.sh

step "cargo test (real server, real keyring, real window under Xvfb)"
LASTMILE_PRIVATE_KEYRING=1 scripts/with-keyring.sh \
  xvfb-run -a -s "-screen 0 1280x860x24" \
  cargo test --workspace --quiet "${test_features[@]}"

step "the API contract: schemathesis against the live server, every check (scripts/contract.sh)"
scripts/contract.sh

step "the server's API suite again, on PostgreSQL (a throwaway server on a loopback port)"
pg_dir=$(mktemp -d)
trap 'scripts/postgres.sh stop "$pg_dir" 2>/dev/null || true; rm -rf "$pg_dir"' EXIT
pg_url=$(PG_FAST=1 scripts/postgres.sh start "$pg_dir" 55439)
# --workspace and the same features as above: `-p lastmile-server` alone would resolve
# features anew and build a third copy of the server's dependencies.
LASTMILE_TEST_DATABASE_URL="$pg_url" cargo test --quiet --workspace "${test_features[@]}" --test api

step "the journeys again through the server binary on PostgreSQL (join, enroll, report, recover, audit)"
LASTMILE_E2E_POSTGRES="$pg_url" LASTMILE_PRIVATE_KEYRING=1 scripts/with-keyring.sh \
  cargo test --quiet --workspace "${test_features[@]}" --test e2e -- agent:: factors:: outbox:: recover:: cli::

step "cargo check --target x86_64-pc-windows-msvc (the app and every crate it is built from)"
cargo check --quiet -p lastmile --target x86_64-pc-windows-msvc

step "cargo check --target aarch64-apple-darwin (the app's crates except src-tauri)"
cargo check --quiet -p lastmile-core -p lastmile-proto -p lastmile-device -p lastmile-client -p lastmile-agent \
  --target aarch64-apple-darwin

step "all checks passed in $((SECONDS - started)) s (screenshots in artifacts/)"
