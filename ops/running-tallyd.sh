#!/usr/bin/env bash
# Prints the pid of every tallyd running from the files under LIB ($1), one a line; exits 1 when none does.
# A process that ends between the listing of /proc and the read of its command line is no tallyd of
# LIB any more: it is passed over without a word (a line each on stderr, before, under a busy host).
set -uo pipefail
lib=$1
status=1
for cmdline in /proc/[0-9]*/cmdline; do
  if { tr '\0' ' ' < "$cmdline"; } 2>/dev/null | grep -q -- "-cp $lib/daemon/\* dev\.tally\.ops\.Tallyd"; then
    pid=${cmdline#/proc/}
    echo "${pid%/cmdline}"
    status=0
  fi
done
exit $status
