#!/usr/bin/env bash
# Micro-benchmarks of hot paths with JMH (the projections' test sources hold them, e.g. the audit
# block's live append, decode and scan). Usage: bash ops/bench/jmh.sh [REGEX [JMH OPTIONS...]]
# Without options: 1 fork, 3 warm-up and 5 measured iterations of 1 s. Two cores are noisy:
# compare the runs of one invocation, and read the error column.
set -euo pipefail
cd "$(dirname "$0")/../.."
pattern=${1:-.}
shift || true
mvn -q -B -o test-compile -pl projections -am >/dev/null
mvn -q -B -o dependency:build-classpath -pl projections -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.cp >/dev/null
cp="projections/target/test-classes:projections/target/classes:$(cat projections/target/jmh.cp)"
[ $# -gt 0 ] || set -- -f 1 -wi 3 -i 5 -w 1s -r 1s
exec java -cp "$cp" org.openjdk.jmh.Main "$pattern" "$@"
