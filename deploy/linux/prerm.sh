#!/bin/sh
# Lastmile's pre-removal script (.deb prerm, .rpm %preun): the timer's links go with it.
# On an rpm upgrade ($1 = 1) the links stay; on removal ($1 = 0, or .deb "remove") they go.
set -e
case "${1:-remove}" in
  upgrade|1) exit 0 ;;
esac
if command -v systemctl >/dev/null 2>&1; then
  systemctl --global disable lastmile-report.timer >/dev/null 2>&1 || true
fi
rm -rf /var/lib/lastmile/status
rmdir /var/lib/lastmile 2>/dev/null || true
exit 0
