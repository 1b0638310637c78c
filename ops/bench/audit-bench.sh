#!/usr/bin/env bash
# Fills a temporary H2 store with 1,000,000 realistic events (or $1), then times two replays of
# every read model (events/s; the first also compiles the code, as a daemon's first replay does)
# and `audit log` queries over them, and prints the figures. Needs no daemon. Usage: bash ops/bench/audit-bench.sh [EVENTS] [JVM FLAGS...]
# With TALLY_BENCH_STORE=DIR the store is kept in DIR and reused by the next run (no refill).
# The daemon runs with the same heap size, collector and compiler settings as this (see install.sh).
# -Dh2.objectCache=false as the daemon has it (pass -Dh2.objectCache=true to compare).
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-1000000}
shift || true
# The modules' own classes come from this build, not from jars of an earlier `mvn package`.
mvn -q -B -o test-compile dependency:build-classpath -pl ops -am -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/bench.cp >/dev/null
cp="ops/target/classes:ops/target/test-classes:$(cat ops/target/bench.cp)"
exec java -Xmx256m -XX:+UseSerialGC -XX:NewRatio=1 -XX:FreqInlineSize=100 -Dh2.objectCache=false "$@" -Ddisable-axoniq-console-message=true -cp "$cp" \
  dev.tally.ops.AuditBenchmark "$events" ${TALLY_BENCH_STORE:+"$TALLY_BENCH_STORE"}
