#!/usr/bin/env bash
# Stress for the attach path (output that goes missing under load). Against a tallyd of this build
# on its own data root and socket, with a busy loop on every core, it runs RUNS times each:
#   docker run --rm busybox cat /proc/self/status   (must exit 0 and print the whole status)
#   docker run --rm busybox seq 1 20000             (must exit 0 and print 20000 lines, in order)
#   tally run --rm busybox echo hi                  (must exit 0 and print "hi")
# and counts the runs that were wrong. Not part of the test suite: it takes many minutes.
# Build first (mvn -q -B -o package -DskipTests). Usage, as root:
#   bash ops/bench/attach-stress.sh [RUNS] [BUSY]    (default 200 runs each; BUSY=0: no busy loops)
# TALLY_LIB=DIR takes the jars from DIR instead of ops/target (to measure an older build).
# Prints one line per wrong run and a summary; exits 1 when any run was wrong.
set -uo pipefail
runs=${1:-200}
busy=${2:-1}
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=$(mktemp -d /tmp/tally-stress.XXXXXX)
chmod 755 "$root"
# A copy of the jars, so that a rebuild meanwhile does not change the classes under a running JVM.
mkdir "$root/lib"
if [ -n "${TALLY_LIB:-}" ]; then
    cp "$TALLY_LIB"/*.jar "$root/lib/"
else
    [ -d "$repo/ops/target/lib" ] || { echo "build first: mvn -q -B -o package -DskipTests" >&2; exit 2; }
    cp "$repo"/ops/target/ops-*.jar "$repo"/ops/target/lib/*.jar "$root/lib/"
fi
cp="$root/lib/*"
sock="$root/run/tally.sock"
busy_pids=()
cleanup() {
    for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null; done
    if [ -n "${tallyd:-}" ]; then
        kill "$tallyd" 2>/dev/null
        wait "$tallyd" 2>/dev/null
    fi
    for c in "$root"/run/runc/*/; do
        [ -d "$c" ] && runc --root "$root/run/runc" delete -f "$(basename "$c")" >/dev/null 2>&1
    done
    grep -o " $root/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m"; done
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tally() { java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$cp" dev.tally.cli.TallyCli -H "unix://$sock" "$@"; }

java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Ddisable-axoniq-console-message=true -cp "$cp" \
    dev.tally.ops.Tallyd --data-root "$root/data" --exec-root "$root/run" >"$root/tallyd.log" 2>&1 &
tallyd=$!
for _ in $(seq 1 300); do
    tally version >/dev/null 2>&1 && break
    kill -0 "$tallyd" 2>/dev/null || { cat "$root/tallyd.log" >&2; exit 2; }
    sleep 0.2
done
bash "$repo/ops/busybox-rootfs.sh" "$root/busybox.tar" >/dev/null
tally import "$root/busybox.tar" busybox:latest >/dev/null || exit 2

if [ "$busy" != 0 ]; then
    for _ in $(seq 1 "$(nproc)"); do
        (end=$((SECONDS + 7200)); while [ $SECONDS -lt $end ]; do :; done) &
        busy_pids+=($!)
    done
fi

expected_seq=$(seq 1 20000)
status_bad=0 seq_bad=0 tally_bad=0 started=$SECONDS
for i in $(seq 1 "$runs"); do
    out=$(DOCKER_HOST="unix://$sock" docker run --rm busybox cat /proc/self/status 2>"$root/err"); code=$?
    if [ $code -ne 0 ] || ! grep -q '^CapEff:' <<<"$out" || ! grep -q '^nonvoluntary_ctxt_switches:' <<<"$out"; then
        status_bad=$((status_bad + 1))
        echo "docker run cat $i: exit $code, $(printf %s "$out" | wc -c) bytes of output, stderr: $(head -c 300 "$root/err")"
    fi
    out=$(DOCKER_HOST="unix://$sock" docker run --rm busybox seq 1 20000 2>"$root/err"); code=$?
    if [ $code -ne 0 ] || [ "$out" != "$expected_seq" ]; then
        seq_bad=$((seq_bad + 1))
        echo "docker run seq $i: exit $code, $(printf %s "$out" | grep -c .) of 20000 lines, stderr: $(head -c 300 "$root/err")"
    fi
    out=$(tally run --rm busybox echo hi 2>"$root/err"); code=$?
    if [ $code -ne 0 ] || [ "$out" != "hi" ]; then
        tally_bad=$((tally_bad + 1))
        echo "tally run $i: exit $code, output '$(head -c 100 <<<"$out")', stderr: $(head -c 300 "$root/err")"
    fi
    [ $((i % 25)) -eq 0 ] && echo "... $i runs each, $((SECONDS - started)) s"
done
echo "attach-stress: $runs runs each in $((SECONDS - started)) s (busy loops: $busy)"
echo "docker run --rm busybox cat /proc/self/status: $status_bad of $runs wrong"
echo "docker run --rm busybox seq 1 20000: $seq_bad of $runs wrong"
echo "tally run --rm busybox echo hi: $tally_bad of $runs wrong"
[ $((status_bad + seq_bad + tally_bad)) -eq 0 ]
