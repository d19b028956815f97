#!/usr/bin/env bash
# This machine's speed at the moment, as benchmark rows (scripts/bench.sh runs it before and
# after each run of the server's benchmarks): what the costliest fixed steps of the server's
# hot paths cost here, measured outside the server.
#
# - P-256 verifications per second on one core (`openssl speed ecdsap256`): one per posture
#   report and per security-key sign-in;
# - RSA-2048 signatures per second on one core (`openssl speed rsa2048`): one per RS256 ID token;
# - a synchronous 4 KiB write (`dd oflag=dsync`, 200 of them, mean): what a commit waits for.
#
# This virtual machine's speed varies by up to about two times within a day; these rows say
# where in that range a run fell, so that a missed budget can be told from a slow stretch.
#
#     scripts/bench_machine.sh LABEL    (LABEL: e.g. "before the run")
set -euo pipefail
label=${1:?a label, e.g. "before the run"}
cd "$(dirname "$0")/.."

p256=$(openssl speed -seconds 2 ecdsap256 2>/dev/null | awk '/nistp256/ {print $NF}')
rsa=$(openssl speed -seconds 2 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}')
scratch=$(mktemp -p target bench_machine.XXXXXX)
trap 'rm -f "$scratch"' EXIT
start=$(date +%s%N)
dd if=/dev/zero of="$scratch" bs=4k count=200 oflag=dsync status=none
sync_us=$(( ($(date +%s%N) - start) / 200 / 1000 ))

row() { printf '| this machine: %s | %s | | %s | | | |\n' "$1" "$label" "$2"; }
row "P-256 verifications on one core (openssl speed)" "$(printf '%.0f/s' "$p256")"
row "RSA-2048 signatures on one core (openssl speed)" "$(printf '%.0f/s' "$rsa")"
row "a synchronous 4 KiB write (dd oflag=dsync), mean of 200" "$(printf '%d.%02d ms' $((sync_us / 1000)) $((sync_us % 1000 / 10)))"
