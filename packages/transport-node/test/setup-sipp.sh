#!/usr/bin/env bash
# Installs SIPp (Debian package `sip-tester`) for the interop tests when it is missing.
# Exit 0 when `sipp` is available afterwards, 1 when it cannot be installed (the tests then skip, saying why).
# Another process may hold the dpkg lock (parallel set-ups): wait and retry, bounded.
set -u
if command -v sipp >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "setup-sipp: no apt-get on this system" >&2; exit 1; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "setup-sipp: not root and no passwordless sudo" >&2; exit 1; fi
fi
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q sip-tester >/tmp/setup-sipp.log 2>&1; then break; fi
  if grep -qiE "lock|dpkg was interrupted" /tmp/setup-sipp.log; then sleep 6; continue; fi
  # the package lists may be stale or missing: refresh once, then retry
  $SUDO apt-get update -q >/dev/null 2>&1 || true
  sleep 2
done
command -v sipp >/dev/null 2>&1 || { echo "setup-sipp: could not install sip-tester (see /tmp/setup-sipp.log)" >&2; exit 1; }
