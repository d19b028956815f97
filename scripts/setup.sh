#!/usr/bin/env bash
# Installs what Lastmile needs on Debian or Ubuntu. Safe to run again: it skips what is there.
#   scripts/setup.sh          run the demo (system libraries, Node packages)
#   scripts/setup.sh --test   also the test tools (Xvfb, WebDriver, faketime, targets, tauri-driver)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

packages=(
  pkg-config build-essential curl ca-certificates
  libwebkit2gtk-4.1-dev libssl-dev libudev-dev libclang-dev
  dbus dbus-x11 gnome-keyring xvfb xauth
  # The tray icon's library, which the app loads at run time (the .deb depends on it too).
  libayatana-appindicator3-1
)
if [[ $want_test -eq 1 ]]; then
  packages+=(webkit2gtk-driver imagemagick faketime oathtool zbar-tools librsvg2-bin sqlite3)
  # A Japanese font, so that the window's Japanese test and screenshots show the text (a
  # Japanese desktop has one; a bare test machine draws empty boxes).
  packages+=(fonts-ipafont-gothic)
  # The API contract check (scripts/contract.sh) runs schemathesis from PyPI in a virtualenv.
  packages+=(python3 python3-venv)
  # PostgreSQL: the server's API suite runs against it too, and two replicas share one.
  # The tests start their own throwaway server (scripts/postgres.sh), not the system one.
  packages+=(postgresql)
  # A real browser for the server's own pages (the OpenID Connect sign-in page with a security
  # key): Chromium under chromedriver, whose WebDriver virtual authenticators hold the key.
  packages+=(chromium chromium-driver)
  # chronyd's libraries: chrony itself is unpacked into the target directory, not installed (it would replace the
  # machine's time daemon); the tests run it as an NTP server on a loopback port.
  packages+=(libcap2 libedit2 libgnutls30 libnettle8 libseccomp2)
  # The packages as IT installs them: rpm's own tools read the .rpm; the .deb is installed in
  # a private mount namespace, where xdg-utils and desktop-file-utils register its handler.
  packages+=(rpm xdg-utils desktop-file-utils)
  # Closing the window as a window manager does (WM_DELETE_WINDOW), in the tray's test.
  packages+=(python3-xlib)
  # kill(1): the tests end processes they started (a server, tauri-driver's process group).
  packages+=(procps)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "==> apt-get install ${missing[*]}"
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "Rust is missing: install it with https://rustup.rs, then run this again." >&2; exit 1; }
command -v npm >/dev/null || { echo "Node.js (20 or later) and npm are missing: install them, then run this again." >&2; exit 1; }

if [[ ! -d ui/node_modules ]] || [[ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
  echo "==> npm ci (ui)"
  npm --prefix ui ci --no-fund --no-audit --loglevel=error
fi

if [[ $want_test -eq 1 ]]; then
  for t in x86_64-pc-windows-msvc aarch64-apple-darwin; do
    rustup target list --installed | grep -qx "$t" || { echo "==> rustup target add $t"; rustup target add "$t"; }
  done
  if [[ ! -d tests/oidc/node_modules ]] || [[ tests/oidc/package-lock.json -nt tests/oidc/node_modules/.package-lock.json ]]; then
    echo "==> npm ci (tests/oidc: openid-client and jose, the relying party the OIDC tests use)"
    npm --prefix tests/oidc ci --no-fund --no-audit --loglevel=error
  fi
  tools="${CARGO_TARGET_DIR:-target}/tools"
  if [[ ! -x "$tools/contract-venv/bin/schemathesis" ]]; then
    echo "==> pip install schemathesis into $tools/contract-venv (the API contract check)"
    mkdir -p "$tools"
    python3 -m venv "$tools/contract-venv"
    "$tools/contract-venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
  fi
  if [[ ! -x "$tools/chrony/usr/sbin/chronyd" ]]; then
    echo "==> unpacking chrony into $tools (an independent NTP server for the clock tests)"
    mkdir -p "$tools"
    (cd "$tools" && rm -f chrony_*.deb \
      && { apt-get download chrony 2>/dev/null || { sudo_if_needed apt-get update -qq && apt-get download chrony 2>/dev/null; }; } \
      && dpkg -x chrony_*.deb chrony && rm -f chrony_*.deb)
  fi
  if ! command -v tauri-driver >/dev/null && [[ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]]; then
    echo "==> cargo install tauri-driver"
    cargo install tauri-driver --version '^2' --locked --quiet
  fi
fi
