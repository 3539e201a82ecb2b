#!/usr/bin/env bash
# Network-namespace helpers for interop tests: each namespace has its own loopback (127.0.0.1, ::1),
# so a test can bind the well-known port 5060 without colliding with anything else on the machine.
# Needs root and iproute2. Loopback only: no veth, no routes out.
#
# Source it:   . interop/netns.sh
#   netns_available            → exit 0 when namespaces work here (creates and deletes a probe namespace)
#   netns_create NAME          → creates NAME with `lo` up
#   netns_exec NAME CMD ARGS…  → runs CMD inside NAME
#   netns_delete NAME          → deletes NAME (killing whatever still runs in it); no error if absent
# Or run it:   interop/netns.sh available|create NAME|exec NAME CMD…|delete NAME
# (tc netem is NOT available on this kernel — for packet loss use SIPp's -lost.)

netns_available() {
  local probe="sipkit-probe-$$"
  command -v ip >/dev/null 2>&1 || return 1
  ip netns add "$probe" 2>/dev/null || return 1
  ip netns exec "$probe" ip link set lo up 2>/dev/null
  local status=$?
  ip netns del "$probe" 2>/dev/null
  return $status
}

netns_create() {
  ip netns add "$1" && ip netns exec "$1" ip link set lo up
}

netns_exec() {
  local name="$1"
  shift
  ip netns exec "$name" "$@"
}

netns_delete() {
  local pids
  pids=$(ip netns pids "$1" 2>/dev/null)
  # shellcheck disable=SC2086
  [ -n "$pids" ] && kill $pids 2>/dev/null
  ip netns del "$1" 2>/dev/null || true
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  command="${1:-}"
  shift || true
  case "$command" in
    available) netns_available ;;
    create) netns_create "$@" ;;
    exec) netns_exec "$@" ;;
    delete) netns_delete "$@" ;;
    *) echo "usage: interop/netns.sh available|create NAME|exec NAME CMD…|delete NAME" >&2; exit 64 ;;
  esac
fi
