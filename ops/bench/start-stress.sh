#!/usr/bin/env bash
# Starts many `busybox true` containers through the real runtime (runc under conmon, as the
# runtime-adapter tests do) while busy loops keep every core loaded, and counts failed starts and
# what each left behind. Slow (minutes), so not part of the test run. As root, from anywhere:
#   bash ops/bench/start-stress.sh [STARTS] [HOGS]     (default 300 starts, one hog per core)
set -euo pipefail
starts=${1:-300}
hogs=${2:-$(nproc)}
cd "$(dirname "$0")/../.."
cp_file=runtime-adapter/target/stress.classpath
mvn -q -B -o -pl runtime-adapter -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
hog_pids=()
trap 'for p in "${hog_pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
for _ in $(seq "$hogs"); do
  sh -c 'while :; do :; done' &
  hog_pids+=($!)
done
cd runtime-adapter
java -cp "target/test-classes:target/classes:$(cat target/stress.classpath)" dev.tally.runtime.StartStress "$starts"
