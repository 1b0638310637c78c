#!/usr/bin/env bash
# The README's first command: from a fresh Debian 12 root to a container's greeting.
# Installs host packages, builds, installs tally and tallyd, starts tallyd if it is not running,
# imports busybox:latest and runs a demo container. Running it again is harmless: a tallyd an
# earlier run started is stopped in order before its files are replaced, and started again from the
# new ones.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bash ops/host-packages.sh
mkdir -p /run/tally
echo "tally: building (first time: Maven downloads dependencies)"
mvn -B -q -DskipTests install
# The tallyd an earlier run of this script started (its pid in $started) runs from the files the
# install replaces: it is stopped first, in order (SIGTERM: it ends the requests under way, for up
# to 30 s, and closes its store; its containers keep running), and started again below.
started=/run/tally/up-tallyd.pid
if [ -r "$started" ]; then
  pid=$(cat "$started")
  if [ -n "$pid" ] && { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q ' dev\.tally\.ops\.Tallyd'; then
    echo "tally: stopping tallyd (pid $pid), started by an earlier up.sh, before its files are replaced"
    kill -TERM "$pid"
    for _ in $(seq 900); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
    if [ -e "/proc/$pid" ]; then
      echo "tally: tallyd (pid $pid) did not stop within 90 s; nothing was replaced" >&2
      exit 1
    fi
  fi
  rm -f "$started"
fi
bash ops/install.sh
getent group tally >/dev/null || groupadd --system tally
bash ops/subids.sh   # members of group tally get subordinate ids for their remapped containers
mkdir -p /var/log/tally
# the daemon's log names every user's containers and commands: root's alone
chmod 0700 /var/log/tally
touch /var/log/tally/tallyd.log && chmod 0600 /var/log/tally/tallyd.log
sock=/run/tally/tally.sock
if ! tally version >/dev/null 2>&1; then
  echo "tally: starting tallyd (log: /var/log/tally/tallyd.log)"
  setsid tallyd >> /var/log/tally/tallyd.log 2>&1 < /dev/null &
  echo $! > "$started"
  for _ in $(seq 300); do
    tally version >/dev/null 2>&1 && break
    sleep 0.1
  done
  tally version >/dev/null 2>&1 || { echo "tally: tallyd did not come up; see /var/log/tally/tallyd.log" >&2; exit 1; }
fi
if ! tally images | grep -Eq "^busybox +latest "; then
  tar=$(mktemp --suffix=.tar)
  bash ops/busybox-rootfs.sh "$tar"
  tally import "$tar" busybox:latest
  rm -f "$tar"
  # the CLI's class-data archive is best made from real commands against a daemon with an image
  sh api-cli/class-archive.sh /usr/local/lib/tally/cli || true
fi
tally run --rm busybox echo "Hello from a tally container: every step of it is in the audit log."
echo "tally: up. Try: tally ps -a; tally events --since 10m --until 0s"
