#!/usr/bin/env bash
# Stress for the attach path: runs `docker run --rm busybox cat /proc/self/status` and
# `tally run --rm busybox echo hi` many times against a tallyd of this build (own data root and
# socket), with busy loops on every core, and counts runs whose output is wrong or whose exit
# code is not 0. Not part of the test suite: it takes minutes. Build first
# (mvn -q -B -o package -DskipTests). Usage, as root:
#   bash ops/bench/attach-stress.sh [RUNS] [BUSY]    (default 300 runs of each; BUSY=0: no busy loops)
# Prints one line per failure and a summary; exits 1 when any run failed.
set -uo pipefail
runs=${1:-300}
busy=${2:-1}
repo=$(cd "$(dirname "$0")/../.." && pwd)
lib="$repo/ops/target/lib"
[ -d "$lib" ] || { echo "build first: mvn -q -B -o package -DskipTests" >&2; exit 2; }
root=$(mktemp -d /tmp/tally-stress.XXXXXX)
chmod 755 "$root"
# A copy of the build, so that a rebuild meanwhile does not change the classes under a running JVM.
mkdir "$root/lib" && cp "$repo"/ops/target/ops-*.jar "$lib"/*.jar "$root/lib/"
cp="$root/lib/*"
sock="$root/run/tally.sock"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    [ -n "${tallyd:-}" ] && kill "$tallyd" 2>/dev/null && wait "$tallyd" 2>/dev/null
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
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
        (end=$((SECONDS + 3600)); while [ $SECONDS -lt $end ]; do :; done) &
        pids+=($!)
    done
fi

docker_bad=0 tally_bad=0 started=$SECONDS
for i in $(seq 1 "$runs"); do
    out=$(DOCKER_HOST="unix://$sock" docker run --rm busybox cat /proc/self/status 2>"$root/err"); code=$?
    if [ $code -ne 0 ] || ! grep -q '^CapEff:' <<<"$out" || ! grep -q '^voluntary_ctxt_switches:' <<<"$out"; then
        docker_bad=$((docker_bad + 1))
        echo "docker run $i: exit $code, $(wc -c <<<"$out") bytes of output, stderr: $(head -c 300 "$root/err")"
    fi
    out=$(tally run --rm busybox echo hi 2>"$root/err"); code=$?
    if [ $code -ne 0 ] || [ "$out" != "hi" ]; then
        tally_bad=$((tally_bad + 1))
        echo "tally run $i: exit $code, output '$(head -c 100 <<<"$out")', stderr: $(head -c 300 "$root/err")"
    fi
done
echo "attach-stress: $runs runs each in $((SECONDS - started)) s (busy loops: $busy)"
echo "docker run --rm busybox cat /proc/self/status: $docker_bad of $runs wrong"
echo "tally run --rm busybox echo hi: $tally_bad of $runs wrong"
[ $((docker_bad + tally_bad)) -eq 0 ]
