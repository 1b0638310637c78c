#!/usr/bin/env bash
# Puts the built daemon and CLI under /usr/local/lib/tally and their launchers on PATH.
# Expects `mvn package` to have run in the repository this script lives in.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=${TALLY_PREFIX:-/usr/local}
lib=$prefix/lib/tally
# A tallyd running from these files loads its classes from them as it goes: replaced under it, it
# would fail at its next new class. up.sh stops the one it started; any other is stopped first.
if running=$(bash "$repo/ops/running-tallyd.sh" "$lib"); then
  for pid in $running; do
    echo "install.sh: tallyd (pid $pid) runs from $lib: stop it first (kill -TERM $pid), then install again" >&2
  done
  exit 1
fi
rm -rf "$lib.new"
mkdir -p "$lib.new/daemon" "$lib.new/cli" "$prefix/bin"
cp "$repo"/ops/target/ops-*.jar "$repo"/ops/target/lib/*.jar "$lib.new/daemon/"
cp "$repo"/api-cli/target/api-cli-*.jar "$repo"/api-cli/target/lib/*.jar "$lib.new/cli/"
rm -rf "$lib.old"; [ -d "$lib" ] && mv "$lib" "$lib.old"; mv "$lib.new" "$lib"; rm -rf "$lib.old"

# A bounded heap that gives memory back: left to its defaults on a large host, the JVM keeps
# ~220 MiB after a few hundred containers; with these bounds ~140 MiB, at the same speed. The heap
# grows once less than 30% of it is free: at 10% a replay of 1,000,000 events ran in a heap too
# small for its garbage (81k events/s against 92k; the same 141 MiB after 40 runs).
# h2.objectCache=false: H2 otherwise hashes every string it stores into a shared cache; without
# it a replay was about 7% faster. The daemon is long-lived, so its hot paths get the C2 compiler
# (C1 alone made a replay of the log about 40% slower), and half the heap is for young objects
# (a replay's garbage is short-lived: a third less time collecting at 1,000,000 events). C2 keeps
# malloc'd memory the C library does not give back by itself: trimming it every 5 s took tallyd
# from 153 to 133 MiB after 40 runs (C1 alone: 127 MiB). C2 inlines less on hot paths
# (FreqInlineSize 100, not 325): a first replay of 1,000,000 events, which also pays for compiling
# its code on the same two cores, ran at 105-108k events/s instead of 91-92k; later ones the same.
# A class-data archive made at install time (daemon-archive.sh: a training daemon that starts and
# pulls) spares a start and the first pull after it most of their class loading.
daemon_flags="-XX:+UseSerialGC -XX:NewRatio=1 -Xss512k -Xms16m -Xmx256m -XX:MinHeapFreeRatio=30 \
  -XX:MaxHeapFreeRatio=50 -XX:ReservedCodeCacheSize=48m -XX:FreqInlineSize=100 -XX:TrimNativeHeapInterval=5000 \
  -XX:-UsePerfData -Ddisable-axoniq-console-message=true -Dh2.objectCache=false"
cat > "$prefix/bin/tallyd" <<LAUNCH
#!/bin/sh
cds=""
[ -r "$lib/daemon/tallyd.jsa" ] && cds="-XX:SharedArchiveFile=$lib/daemon/tallyd.jsa -Xshare:auto"
exec java $daemon_flags \\
  \$cds -cp "$lib/daemon/*" dev.tally.ops.Tallyd "\$@"
LAUNCH
# The CLI is a JVM per command: a class-data archive made at install time cuts its start-up,
# and so do a JIT that compiles C1 code only, and only for code that stays hot (not the
# start-up's one-off methods), and no hsperfdata file. The collector is the default G1: on
# JDK 17 only G1 maps the archive's heap part (the module graph and interned strings ready
# made), which saves more than G1 costs over the serial collector at start-up.
# On a CPU with AVX-512 the JVM generates its AVX-512 stubs (copies, crypto) at every start: 5.6
# of its 26 ms to create the VM here, 1.7 with AVX2's. The CLI's work (a request, JSON, copies
# through 64 KiB buffers) gains nothing from the wider ones, so it stops at AVX2 there (decided on
# the host that installs, as the class-data archive is made there; elsewhere the JVM's own choice).
cli_cpu=""
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
  cli_cpu="-XX:UseAVX=2"
fi
cat > "$prefix/bin/tally" <<LAUNCH
#!/bin/sh
cds=""
[ -r "$lib/cli/tally.jsa" ] && cds="-XX:SharedArchiveFile=$lib/cli/tally.jsa -Xshare:auto"
exec java -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=5 -XX:-UsePerfData -Xss512k $cli_cpu \\
  \$cds -cp "$lib/cli/*" dev.tally.cli.TallyCli "\$@"
LAUNCH
chmod 755 "$prefix/bin/tallyd" "$prefix/bin/tally"
sh "$repo"/api-cli/class-archive.sh "$lib/cli" || true
# shellcheck disable=SC2086 # the flags are words
sh "$repo"/ops/daemon-archive.sh "$lib/daemon" $daemon_flags || true
