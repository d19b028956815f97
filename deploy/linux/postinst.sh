#!/bin/sh
# Lastmile's post-install script (.deb postinst, .rpm %post): the scheduled report timer for
# every user's session. Offline-safe: systemctl --global only writes links under /etc.
set -e
# The machine status directory: each person's app adds its own <uid>.json (sticky, so no one
# changes another's), which inventory tools (osquery, Fleet, Kolide) read.
install -d -m 0755 /var/lib/lastmile
install -d -m 1733 /var/lib/lastmile/status
if command -v systemctl >/dev/null 2>&1; then
  systemctl --global enable lastmile-report.timer >/dev/null 2>&1 || true
fi
exit 0
