#!/usr/bin/env bash
# Issue 11's crash series: a mixed parallel load (every verb that changes state: run -d, run --rm,
# exec, exec -d, stop, kill, restart, pause, unpause, rename, cp, rm -f, commit, import, tag, rmi,
# volume create and rm, from several docker CLI clients at once, and one client more as each remapped
# user: non-admins of group tally whose containers run on their subordinate range, with anonymous
# volumes, and refusals on each other's containers) against a real tallyd of this build,
# killed with SIGKILL at a
# random moment (and now and then again while it recovers), restarted on the same data root and
# checked after every restart: each acknowledged request is in the log and the read models, nothing
# is there twice, what should run runs (on the host too, and nothing else does), audit verify
# passes, and nothing is left on the host of what does not run (mounts, processes, cgroups, tmp/,
# partial image writes; every listed image runs; a remapped user's bundles, layers and volumes owned by
# their range alone, each user listing only their own, their refusals on the record). At the end, rm -f of everything, and nothing may be left on the host (overlay mounts,
# cgroups, runc state, conmon, container processes). Prints one row per kill.
# The logic is CrashSeriesIT (ops/src/test/java/dev/tally/ops), which the test suite runs with 3 kills.
# Usage, as root, from anywhere:  bash ops/crash-series.sh [KILLS] [CLIENTS] [SEED] [REMAPPED]
# (default 20 3 random alice,bob; REMAPPED "" runs root's clients alone; the users are made if missing)
# Exits 1 when any check failed.
set -uo pipefail
kills=${1:-20}
clients=${2:-3}
seed=${3:-$RANDOM$RANDOM}
remapped=${4-alice,bob}
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
table="$repo/ops/target/crash-series.txt"
mkdir -p "$repo/ops/target"
rm -f "$table"
mvn -B -q test -pl ops -am -Dtest=CrashSeriesIT -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtally.crashSeries.kills="$kills" -Dtally.crashSeries.clients="$clients" -Dtally.crashSeries.seed="$seed" \
    -Dtally.crashSeries.remapped="$remapped" \
    > "$repo/ops/target/crash-series.log" 2>&1
code=$?
if [ -f "$table" ]; then
    cat "$table"
else
    echo "crash series: no table (the build or the daemon failed); see ops/target/crash-series.log" >&2
    tail -40 "$repo/ops/target/crash-series.log" >&2
fi
exit $code
