#!/usr/bin/env bash
# Times `run --rm busybox true` through tally beside the bare runtime and, where installed, the
# peers, in one run on the same host, and prints medians and ratios plus tallyd's memory.
# `tally version` (one request) shows the CLI's own start-up. Other load on the host inflates
# every line alike: compare the ratios, or run it on a quiet machine.
# Needs tallyd running with busybox:latest imported (ops/up.sh does both; TALLY_SOCK and TALLYD_PID name
# another daemon; podman is timed when it has a busybox image). Usage:
#   bash ops/bench/run-latency.sh [RUNS]        (default 30 runs each, after 20 warm-ups)
# The warm-ups are for tallyd: a daemon just started has not compiled its request paths yet (its
# first runs are 10-20 ms slower); every tally CLI call still starts a fresh JVM, as measured.
set -euo pipefail
runs=${1:-30}
sock=${TALLY_SOCK:-/run/tally/tally.sock}
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
tally version >/dev/null || { echo "tallyd is not running: run ops/up.sh first" >&2; exit 1; }

# The same root filesystem for runc alone: an OCI bundle made from tally's busybox image.
work=$(mktemp -d)
trap 'runc delete -f bench-runc >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs"
bash "$(dirname "$0")/../busybox-rootfs.sh" "$work/busybox.tar"
tar -C "$work/bundle/rootfs" -xf "$work/busybox.tar"
(cd "$work/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"true"/' config.json)

cmds=(-n "runc run" "runc run --bundle $work/bundle bench-runc"
      -n "tally version" "tally version"
      -n "tally run --rm" "tally run --rm busybox true"
      -n "docker CLI -> tallyd" "DOCKER_HOST=unix://$sock docker run --rm busybox true")
# A peer is timed only when one trial run of it succeeds here: a peer that fails on this host (podman's
# `run` exits 125 on some) would stop hyperfine and with it the whole comparison.
peer() {
    local name=$1 cmd=$2 code=0
    sh -c "$cmd" >/dev/null 2>&1 || code=$?
    if [ "$code" = 0 ]; then cmds+=(-n "$name" "$cmd"); else echo "$name: not timed, its trial run exited $code here" >&2; fi
}
command -v podman >/dev/null && podman image exists busybox 2>/dev/null && peer "podman run --rm" "podman run --rm busybox true"
[ -S /var/run/docker.sock ] && peer "docker run --rm (dockerd)" "DOCKER_HOST=unix:///var/run/docker.sock docker run --rm busybox true"

hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/result.json" "${cmds[@]}" >/dev/null 2>&1 || \
  hyperfine --warmup 20 --runs "$runs" --export-json "$work/result.json" "${cmds[@]}" >/dev/null
python3 - "$work/result.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["runc run"]["median"]
print(f"{'command':28} {'median ms':>10} {'min ms':>8} {'vs runc':>8}")
for name, x in r.items():
    print(f"{name:28} {x['median']*1000:10.1f} {x['min']*1000:8.1f} {x['median']/base:7.1f}x")
t = r["tally run --rm"]["median"] * 1000
print(f"target: tally run --rm under 150 ms median: {'met' if t < 150 else 'NOT met'} ({t:.0f} ms); "
      "reference on this machine kind: podman ~170-180 ms, docker ~255 ms")
PY
pid=${TALLYD_PID:-$(cat /run/tally/tallyd.pid 2>/dev/null || pgrep -f dev.tally.ops.Tallyd | head -1)}
echo "tallyd RSS: $(awk '/^Rss/ {print int($2/1024) " MiB"}' /proc/"$pid"/smaps_rollup) (docker stack idle: ~120 MiB)"
