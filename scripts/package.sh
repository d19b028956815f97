#!/usr/bin/env bash
# Builds the app as it ships: the UI, then `tauri build` (release, the UI embedded, bundled as a
# .deb), then checks that the binary carries none of the test hooks. Arguments go to
# `tauri build` (default: --bundles deb). CARGO_TARGET_DIR chooses the target directory
# (scripts/test.sh uses target/packaged, which the end-to-end test of the shipped app reads).
#
# The test hooks (the `test-hooks` cargo feature: a software authenticator, managed settings
# from LASTMILE_MANAGED_PATH) are refused three times: here, by the app's compile_error! under
# tauri build, and by the check of the built binary below.
set -euo pipefail
cd "$(dirname "$0")/.."
# Absolute: tauri runs cargo from src-tauri/.
CARGO_TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-target}")
export CARGO_TARGET_DIR

args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(--bundles deb,rpm)
if [[ " ${args[*]} " == *test-hooks* ]]; then
  echo "package.sh: the test-hooks feature is for tests; a package never carries it" >&2
  exit 2
fi

npm --prefix ui run --silent build
log=$(mktemp)
npx --yes @tauri-apps/cli@2.12.5 build "${args[@]}" >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
rm -f "$log"

bin="$CARGO_TARGET_DIR/release/lastmile"
[[ -x "$bin" ]] || { echo "package.sh: tauri build made no $bin" >&2; exit 1; }
for hook in LASTMILE_MANAGED_PATH LASTMILE_SOFT_AUTHENTICATOR "SoftToken (testing only)"; do
  if grep -qaF "$hook" "$bin"; then
    echo "package.sh: $bin carries a test hook ($hook); it must not ship" >&2
    exit 1
  fi
done
find "$CARGO_TARGET_DIR/release/bundle" -maxdepth 2 \( -name "*.deb" -o -name "*.rpm" \)
