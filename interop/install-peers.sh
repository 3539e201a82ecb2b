#!/usr/bin/env bash
# Installs the interop peers the tests run against, from Debian's packages:
#   sipp (sip-tester), kamailio, baresip, sipsak — iproute2 for network namespaces, openssl for test certificates.
# Idempotent: installs only what is missing; runs `apt-get update` at most once; quiet; non-interactive.
# Exits 0 when every peer is present; otherwise prints one line to stderr and exits 1.
# On a machine without apt-get (or not root) it only checks and reports what is missing.
set -uo pipefail

# command → Debian package
declare -A PACKAGE_OF=(
  [sipp]=sip-tester
  [kamailio]=kamailio
  [baresip]=baresip
  [sipsak]=sipsak
  [ip]=iproute2
  [openssl]=openssl
)

missing_commands() {
  local command
  for command in "${!PACKAGE_OF[@]}"; do
    command -v "$command" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$command" >/dev/null 2>&1 || echo "$command"
  done
}

missing=$(missing_commands | sort)
[ -z "$missing" ] && exit 0

packages=$(for command in $missing; do echo "${PACKAGE_OF[$command]}"; done | sort -u | tr '\n' ' ')

if ! command -v apt-get >/dev/null 2>&1; then
  echo "interop/install-peers.sh: missing ${missing//$'\n'/, } and no apt-get to install ${packages% } with" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
else
  SUDO=""
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp "${TMPDIR:-/tmp}/install-peers.XXXXXX")
trap 'rm -f "$log"' EXIT

if ! $SUDO apt-get update -qq >"$log" 2>&1; then
  echo "interop/install-peers.sh: apt-get update failed: $(grep -m1 -E '^(E|W):' "$log" || tail -n1 "$log")" >&2
  exit 1
fi
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 $packages >"$log" 2>&1; then
  echo "interop/install-peers.sh: could not install ${packages% }: $(grep -m1 -E '^E:' "$log" || tail -n1 "$log")" >&2
  exit 1
fi

still=$(missing_commands | sort | tr '\n' ' ')
if [ -n "$still" ]; then
  echo "interop/install-peers.sh: installed ${packages% } but still missing: ${still% }" >&2
  exit 1
fi
