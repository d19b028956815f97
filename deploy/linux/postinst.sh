#!/bin/sh
# Lastmile's post-install script (.deb postinst, .rpm %post): the scheduled report timer for
# every user's session. Offline-safe: systemctl --global only writes links under /etc.
set -e
if command -v systemctl >/dev/null 2>&1; then
  systemctl --global enable lastmile-report.timer >/dev/null 2>&1 || true
fi
exit 0
