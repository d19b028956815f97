#!/usr/bin/env bash
# Runs a command with a usable OS keyring. If the session already has a Secret Service it is
# used as is; otherwise a private D-Bus session with an unlocked gnome-keyring is started for
# the command (headless machines, CI). The throwaway keyring lives in a temporary directory.
set -euo pipefail

has_secret_service() {
  [[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]] &&
    command -v dbus-send >/dev/null &&
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"
}

if [[ "${LASTMILE_PRIVATE_KEYRING:-0}" != 1 ]] && has_secret_service; then
  exec "$@"
fi

keyring_home=$(mktemp -d)
export LASTMILE_KEYRING_HOME="$keyring_home"
exec dbus-run-session -- bash -c '
  # gnome-keyring keeps its files under $HOME/.local/share/keyrings: point it at a scratch home.
  real_home="$HOME"
  export HOME="$LASTMILE_KEYRING_HOME"
  eval "$(printf lastmile | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
  export HOME="$real_home"
  exec "$@"
' bash "$@"
