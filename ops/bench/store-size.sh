#!/usr/bin/env bash
# The event store's size on disk while tallyd runs (issue 12). Starts a fresh tallyd from this build on
# an empty temporary data root, drives a steady load through its socket with curl from CLIENTS parallel
# clients, and every CHECK events prints: events in the log, bytes of events/tally.mv.db live (and the
# most it reached since the line before) and per event, the same file compacted (a copy, as a crash
# would leave it, compacted with SHUTDOWN COMPACT) and per event, their ratio, tallyd's RSS and the
# requests' p50/p99 and the events appended per second since the line before.
# LOAD=mixed (default): each client's round is a run --rm, a create + rm, a long container with exec,
# logs and a refusal as alice, a volume create + rm. LOAD=create-rm: creates and removes only, as the
# issue's first table (1,000 / 3,000 / 5,000 create + rm are 2,001 / 6,001 / 10,001 events).
# The issue's target: a store above 64 MB stays within twice its compacted size. The store's upkeep is
# as tallyd has it; pass -Dtally.store.upkeep=true or =false as a JVM flag to choose (the first line
# says which, and the host's load average as the run starts: other builds on the host show in the
# latencies).
# Usage (as root; needs runc, conmon, busybox-static, a host user alice in group tally):
#   [LOAD=mixed|create-rm] [CLIENTS=4] bash ops/bench/store-size.sh [EVENTS=100000] [CHECK=10000] [tallyd JVM flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-100000}
check=${2:-10000}
shift 2 || shift $# || true
# The modules' own classes come from this build, not from jars of an earlier `mvn package`
# (TALLY_BENCH_BUILT=1: they are built already, e.g. while a test run uses the same classes).
[ -n "${TALLY_BENCH_BUILT:-}" ] || mvn -q -B -o test-compile dependency:build-classpath -pl ops -am -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/store-size.cp >/dev/null
h2=$(tr ':' '\n' <ops/target/store-size.cp | grep '/h2-[0-9.]*\.jar$')
root=$(mktemp -d /tmp/tally-store-size.XXXXXX)
chmod 755 "$root"
# tallyd loads classes as it first needs them: run a copy, so that a build meanwhile cannot change them
cp=""
for entry in "$PWD/ops/target/classes" $(tr ':' ' ' <ops/target/store-size.cp); do
  if [ -d "$entry" ]; then
    copy="$root/classes/$(echo "$entry" | md5sum | cut -c1-8)"; mkdir -p "$copy"; cp -r "$entry/." "$copy"; entry=$copy
  fi
  cp="$cp${cp:+:}$entry"
done
sock=$root/run/tally.sock
store=$root/data/events/tally.mv.db
# the daemon's JVM flags, as install.sh writes them
java -XX:+UseSerialGC -XX:NewRatio=1 -Xss512k -Xms16m -Xmx256m -XX:MinHeapFreeRatio=30 -XX:MaxHeapFreeRatio=50 \
  -XX:ReservedCodeCacheSize=48m -XX:FreqInlineSize=100 -XX:TrimNativeHeapInterval=5000 -XX:-UsePerfData \
  -Ddisable-axoniq-console-message=true -Dh2.objectCache=false "$@" -cp "$cp" dev.tally.ops.Tallyd \
  --data-root "$root/data" --exec-root "$root/run" -H "unix://$sock" >"$root/tallyd.log" 2>&1 &
pid=$!
cleanup() { # an interrupted run may leave its long containers: remove them and their rootfs mounts first
  touch "$root/stop"; kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
  for c in $(runc --root "$root/run/runc" list -q 2>/dev/null); do runc --root "$root/run/runc" delete -f "$c" || true; done
  grep -o "$root[^ ]*rootfs" /proc/mounts | xargs -r umount || true
  rm -rf "$root"
}
trap cleanup EXIT
for _ in $(seq 600); do curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.2; done
lat=$root/latency
mkdir -p "$lat"
api() { # METHOD PATH [JSON]: prints the body, logs the time taken (to this client's file)
  local out
  out=$(curl -s --unix-socket "$sock" -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} \
    -w '\n%{time_total}' "http://d$2") || true  # an attached exec ends without a clean HTTP end
  echo "${out##*$'\n'}" >>"$lat/$client"
  echo "${out%$'\n'*}"
}
id_of() { sed -n 's/.*"Id":"\([0-9a-f]*\)".*/\1/p'; }
tar=$root/busybox.tar
bash ops/busybox-rootfs.sh "$tar"
curl -s --unix-socket "$sock" -X POST -H 'Content-Type: application/x-tar' --data-binary @"$tar" \
  "http://d/images/create?fromSrc=-&repo=busybox&tag=latest" >/dev/null
# events in the log: the chain's length, as tally audit verify counts it
logged() { curl -s --unix-socket "$sock" http://d/tally/v1/audit/verify | sed -n 's/.*"checked":\([0-9]*\).*/\1/p'; }
rss() { awk '/^Rss/ {print int($2/1024)}' "/proc/$pid/smaps_rollup"; }
compacted() {
  local d; d=$(mktemp -d); cp "$store" "$d/c.mv.db"
  java -cp "$h2" org.h2.tools.Shell -url "jdbc:h2:file:$d/c" -user sa -sql "SHUTDOWN COMPACT" >/dev/null
  stat -c %s "$d/c.mv.db"; rm -rf "$d"
}
load=${LOAD:-mixed}
clients=${CLIENTS:-4}
round() { # one client's round $1 of the load
  local i=$1 c e
  if [ "$load" = create-rm ]; then
    c=$(api POST /containers/create '{"Image":"busybox","Cmd":["true"]}' | id_of)
    api DELETE "/containers/$c" >/dev/null
    return
  fi
  # run --rm
  c=$(api POST /containers/create '{"Image":"busybox","Cmd":["true"]}' | id_of)
  api POST "/containers/$c/start" >/dev/null; api POST "/containers/$c/wait" >/dev/null
  api DELETE "/containers/$c" >/dev/null
  # create + rm
  c=$(api POST /containers/create '{"Image":"busybox","Cmd":["true"]}' | id_of)
  api DELETE "/containers/$c" >/dev/null
  # a long container: exec, logs, stop, rm
  c=$(api POST /containers/create '{"Image":"busybox","Cmd":["sleep","600"]}' | id_of)
  api POST "/containers/$c/start" >/dev/null
  e=$(api POST "/containers/$c/exec" '{"Cmd":["true"],"AttachStdout":true}' | id_of)
  api POST "/exec/$e/start" '{"Detach":false}' >/dev/null
  api GET "/containers/$c/logs?stdout=1" >/dev/null
  # a refusal: alice (group tally) may not remove root's container
  runuser -u alice -- curl -s -o /dev/null --unix-socket "$sock" -X DELETE "http://d/containers/$c?force=1" || true
  api POST "/containers/$c/kill" >/dev/null
  api DELETE "/containers/$c?force=1" >/dev/null
  # volume create + rm
  api POST /volumes/create "{\"Name\":\"v$client-$i\"}" >/dev/null
  api DELETE "/volumes/v$client-$i" >/dev/null
}
rounds=$root/rounds
: >"$rounds"
stop=$root/stop
for client in $(seq "$clients"); do
  : >"$lat/$client"
  (i=0; while [ ! -e "$stop" ]; do i=$((i + 1)); round "$i"; echo >>"$rounds"; done) &
done
case " $* " in *" -Dtally.store.upkeep=false "*) upkeep=off ;; *" -Dtally.store.upkeep=true "*) upkeep=on ;;
  *) upkeep="tallyd's default" ;; esac
echo "store upkeep: $upkeep; load $load, $clients clients; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %12s %12s %9s %12s %9s %6s %8s %8s %8s %8s %6s\n' events live_bytes peak_bytes B/event compacted B/event \
  ratio rss_MiB p50_ms p99_ms seconds ev/s
started=$(date +%s)
peak=0
last_n=0
last_s=0
report() {
  local n=$1 live comp s
  live=$(stat -c %s "$store"); s=$(($(date +%s) - started)); comp=$(compacted)
  [ "$live" -gt "$peak" ] && peak=$live
  cat "$lat"/* | sort -n | awk -v n="$n" -v live="$live" -v peak="$peak" -v comp="$comp" -v rss="$(rss)" \
    -v s="$s" -v rate=$(((n - last_n) / (s > last_s ? s - last_s : 1))) '
    {v[NR]=$1} END {printf "%8d %12d %12d %9d %12d %9d %6.2f %8d %8.1f %8.1f %8d %6d\n", n, live, peak, live/n, comp,
      comp/n, live/comp, rss, v[int(NR*0.5)+1]*1000, v[int(NR*0.99)+1]*1000, s, rate}'
  for f in "$lat"/*; do : >"$f"; done
  peak=0; last_n=$n; last_s=$s
}
next=$check
per_round=0  # events one round appends, measured after the first rounds
counted=0
counted_at=0
while :; do
  sleep 1
  size=$(stat -c %s "$store"); [ "$size" -gt "$peak" ] && peak=$size
  done_rounds=$(wc -l <"$rounds")
  # Count the log (a walk of the chain) only near a checkpoint, so counting does not weigh on the load.
  if { [ "$per_round" = 0 ] && [ "$done_rounds" -ge $((2 * clients)) ]; } ||
     { [ "$per_round" != 0 ] && [ $((counted + (done_rounds - counted_at) * per_round)) -ge $((next < events ? next : events)) ]; }; then
    n=$(logged); counted=$n; counted_at=$done_rounds; per_round=$((n / (done_rounds > 0 ? done_rounds : 1)))
    if [ "$n" -ge "$next" ] || [ "$n" -ge "$events" ]; then report "$n"; next=$((next + check)); fi
    if [ "$n" -ge "$events" ]; then break; fi
  fi
done
touch "$stop"; wait_clients=$(jobs -p | grep -vx "$pid" || true); [ -z "$wait_clients" ] || wait $wait_clients 2>/dev/null || true
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "after a clean stop: $(stat -c %s "$store") bytes; tallyd log:"; tail -5 "$root/tallyd.log"
