#!/usr/bin/env bash
# Push and pull speed of tally beside skopeo and podman, same run, same registry (Debian's
# docker-registry on 127.0.0.1, plain HTTP, its storage wiped before each push so that every push
# uploads everything). Two shapes of incompressible data: one 100 MiB layer, and ten 10 MiB layers (the issue's;
# SHAPES="NAME:LAYERS:MIB ..." measures others, e.g. SHAPES="one:1:100 big:1:400" to see which part of a
# client's time is fixed, its start, and which grows with the bytes).
#   push: skopeo (from an OCI layout), podman (from its store), tally (from its store)
#   pull: skopeo (to an OCI layout, no unpacking), podman and tally (stored and unpacked)
# tally runs as installed (ops/install.sh into a temporary prefix: the launchers' JVM flags and the
# class-data archives of the CLI and of tallyd). Each tally transfer is measured three times, on three images of the
# same shape: through the CLI (a JVM started per command, as a user types it), straight on the API with curl
# --unix-socket (the daemon's own time), and by the docker CLI pointed at tallyd (DOCKER_HOST), as most users
# pull and push. A small pull and push first warm the daemon, which is
# long-lived (its first transfer after a start also loads and compiles its code): that first pull is
# printed on its own. The tally pulls (and pushes) take turns at going first in a round: the first
# pulls right after skopeo's and podman's writes (some 400 MiB still dirty), which in a fixed order was
# always the CLI. Every figure is the median of RUNS runs (default 3); the machine's load average
# is printed before and after, and for each tally pull (on stderr) the dirty memory before it and
# tallyd's CPU ticks (1/100 s) and bytes written. Prints MB/s (compressed bytes / wall time) and the ratios the issue
# targets. Not part of the test suite. Build first (mvn -q -B -o package -DskipTests). As root:
#   RUNS=3 bash ops/bench/registry.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
runs=${RUNS:-3}
shapes=${SHAPES:-one:1:100 ten:10:10}
root=$(mktemp -d /tmp/tally-registry-bench.XXXXXX)
chmod 755 "$root"
[ -d "$repo/ops/target/lib" ] && [ -d "$repo/api-cli/target/lib" ] \
    || { echo "build first: mvn -q -B -o package -DskipTests" >&2; exit 2; }
sock="$root/run/tally.sock"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
reg="127.0.0.1:$port"
podman=(podman --root "$root/podman" --runroot "$root/podman-run")
registry_pid=
cleanup() {
    set +e  # a stopped process's status must not end the cleanup before tallyd is stopped
    if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null; wait "$registry_pid" 2>/dev/null; fi
    if [ -n "${tallyd:-}" ]; then kill "$tallyd" 2>/dev/null; wait "$tallyd" 2>/dev/null; fi
    "${podman[@]}" system reset -f >/dev/null 2>&1 || true
    grep -o " $root/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m"; done
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The CLI's archive is trained against no daemon (TALLY_HOST points nowhere), never another tallyd.
TALLY_HOST="unix://$root/none.sock" TALLY_PREFIX="$root/prefix" bash "$repo/ops/install.sh" >/dev/null
tally() { "$root/prefix/bin/tally" -H "unix://$sock" "$@"; }
api() { curl -sf --unix-socket "$sock" -X POST -H 'X-Registry-Auth: e30=' "http://tally$1"; }
docker_cli() { DOCKER_HOST="unix://$sock" docker "$@"; }
now() { date +%s.%N; }
rate() { python3 -c "import sys; b,t=float(sys.argv[1]),float(sys.argv[2]); print(f'{b/t/1e6:.1f}')" "$1" "$2"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# What does not depend on the host's CPU load, printed per tally pull: the system's dirty and writeback
# memory before it (what a sync of the whole file system would also have to write), tallyd's CPU
# (all its threads, /proc) and what it wrote.
dirty() { awk '/^(Dirty|Writeback):/{kb+=$2} END{printf "%d", kb/1024}' /proc/meminfo; }
cpu_ticks() { cat /proc/"$tallyd"/task/*/stat 2>/dev/null | sed 's/.*) //' | awk '{t+=$12+$13} END{print t}'; }
written() { awk '/^write_bytes/{print $2}' /proc/"$tallyd"/io; }
# Runs a tally pull with timed, and prints its wall time; says on stderr what it cost tallyd.
tally_pull() {
    local what=$1 d c w t
    shift
    d=$(dirty); c=$(cpu_ticks); w=$(written)
    t=$(timed "$@") || exit 1
    echo "  run $run $name $what: ${t} s; before it ${d} MiB dirty or under writeback; tallyd CPU $(( $(cpu_ticks) - c )) ticks, wrote $(( ($(written) - w) >> 20 )) MiB; load $(load)" >&2
    echo "$t"
}

# A fresh, empty registry on the same port.
registry() {
    if [ -n "$registry_pid" ]; then kill "$registry_pid"; wait "$registry_pid" 2>/dev/null || true; fi
    rm -rf "$root/registry"
    mkdir -p "$root/registry"
    cat > "$root/registry.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $root/registry
http:
  addr: $reg
  secret: bench
YML
    docker-registry serve "$root/registry.yml" >"$root/registry.log" 2>&1 &
    registry_pid=$!
    for _ in $(seq 1 100); do curl -sf "http://$reg/v2/" >/dev/null && return; sleep 0.1; done
    cat "$root/registry.log" >&2
    exit 2
}

# An OCI layout of N layers of M MiB of random data each, gzip'd; prints its compressed size in bytes.
layout() {
    local dir=$1 n=$2 mib=$3 diffs=() descs=() total=0 i
    mkdir -p "$dir/blobs/sha256"
    for i in $(seq 1 "$n"); do
        local work="$dir/layer$i"
        mkdir -p "$work/data"
        head -c "$((mib << 20))" /dev/urandom > "$work/data/blob$i"
        tar -C "$work" -cf "$work.tar" data
        diffs+=("\"sha256:$(sha256sum "$work.tar" | cut -d' ' -f1)\"")
        gzip -1 -c "$work.tar" > "$work.tar.gz"
        local d size
        d=$(sha256sum "$work.tar.gz" | cut -d' ' -f1)
        size=$(stat -c %s "$work.tar.gz")
        total=$((total + size))
        mv "$work.tar.gz" "$dir/blobs/sha256/$d"
        rm -rf "$work" "$work.tar"
        descs+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$size}")
    done
    local config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$(IFS=,; echo "${diffs[*]}")]}}"
    local cd
    cd=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
    printf '%s' "$config" > "$dir/blobs/sha256/$cd"
    local manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$cd\",\"size\":${#config}},\"layers\":[$(IFS=,; echo "${descs[*]}")]}"
    local md
    md=$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)
    printf '%s' "$manifest" > "$dir/blobs/sha256/$md"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' "$md" "${#manifest}" > "$dir/index.json"
    echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
    echo "$total"
}

# Runs a command, prints its wall time in seconds; fails the bench if it fails (an API call's
# progress stream must end without an error).
timed() {
    local out="$root/timed.out" t0 t1
    t0=$(now)
    "$@" > "$out"
    t1=$(now)
    if grep -q '"error"' "$out"; then cat "$out" >&2; exit 1; fi
    echo "$t1 - $t0" | bc
}

"$root/prefix/bin/tallyd" --data-root "$root/data" --exec-root "$root/run" >"$root/tallyd.log" 2>&1 &
tallyd=$!
for _ in $(seq 1 300); do
    tally version >/dev/null 2>&1 && break
    kill -0 "$tallyd" 2>/dev/null || { cat "$root/tallyd.log" >&2; exit 2; }
    sleep 0.2
done
echo "load average at start: $(load)"

registry
warm=$(layout "$root/warm" 1 8)
skopeo copy --quiet --dest-tls-verify=false "oci:$root/warm:v1" "docker://$reg/bench/warm:v1"
first=$(timed tally pull -q "$reg/bench/warm:v1")
registry
timed tally push -q "$reg/bench/warm:v1" >/dev/null
echo "first pull after tallyd's start (8 MiB, CLI): ${first} s ($(rate "$warm" "$first") MB/s), then a push: warm"

declare -A all=()
for run in $(seq 1 "$runs"); do
    for shape in $shapes; do
        IFS=: read -r -a parts <<<"$shape"
        set -- "${parts[@]}"
        name=$1
        bytes=$(layout "$root/$name-a" "$2" "$3")
        layout "$root/$name-b" "$2" "$3" >/dev/null
        layout "$root/$name-c" "$2" "$3" >/dev/null
        a="$reg/bench/$name-a:v1"
        b="$reg/bench/$name-b:v1"
        c="$reg/bench/$name-c:v1"

        registry
        t=$(timed skopeo copy --quiet --dest-tls-verify=false "oci:$root/$name-a:v1" "docker://$a")
        all[$name.skopeo_push]+="$(rate "$bytes" "$t") "
        skopeo copy --quiet --dest-tls-verify=false "oci:$root/$name-b:v1" "docker://$b"
        skopeo copy --quiet --dest-tls-verify=false "oci:$root/$name-c:v1" "docker://$c"
        t=$(timed skopeo copy --quiet --src-tls-verify=false "docker://$a" "oci:$root/$name-copy:v1")
        all[$name.skopeo_pull]+="$(rate "$bytes" "$t") "
        t=$(timed "${podman[@]}" pull -q --tls-verify=false "$a")
        all[$name.podman_pull]+="$(rate "$bytes" "$t") "
        # The three tally pulls take turns at going first after skopeo's and podman's writes.
        paths=(cli api docker cli api)
        for path in "${paths[@]:$(( (run - 1) % 3 )):3}"; do
            case $path in
                cli) t=$(tally_pull CLI tally pull -q "$a") ;;
                api) t=$(tally_pull API api "/images/create?fromImage=$reg/bench/$name-b&tag=v1") ;;
                docker) t=$(tally_pull "docker CLI" docker_cli pull -q "$c") ;;
            esac
            all[$name.tally_pull_$path]+="$(rate "$bytes" "$t") "
        done

        registry
        t=$(timed "${podman[@]}" push -q --tls-verify=false "$a")
        all[$name.podman_push]+="$(rate "$bytes" "$t") "
        # The three tally pushes take turns at going first, as the pulls do.
        for path in "${paths[@]:$(( (run - 1) % 3 )):3}"; do
            registry
            case $path in
                cli) t=$(timed tally push -q "$a") ;;
                api) t=$(timed api "/images/$reg/bench/$name-b/push?tag=v1") ;;
                docker) t=$(timed docker_cli push -q "$c") ;;
            esac
            all[$name.tally_push_$path]+="$(rate "$bytes" "$t") "
        done

        "${podman[@]}" rmi -f "$a" >/dev/null 2>&1 || true
        tally rmi "$a" "$b" "$c" >/dev/null || true
        rm -rf "$root/$name-a" "$root/$name-b" "$root/$name-c" "$root/$name-copy"
    done
done
echo "load average at the end: $(load)"

keys="skopeo_push podman_push tally_push_cli tally_push_api tally_push_docker skopeo_pull podman_pull tally_pull_cli tally_pull_api tally_pull_docker"
args=()
for shape in $shapes; do
    name=${shape%%:*}
    for k in $keys; do
        args+=("$name.$k=${all[$name.$k]}")
    done
done
python3 - "$runs" "$shapes" "${args[@]}" <<'PY'
import statistics, sys
runs = sys.argv[1]
shapes = [s.split(":") for s in sys.argv[2].split()]
cells = {}
for arg in sys.argv[3:]:
    key, values = arg.split("=", 1)
    cells[key] = [float(v) for v in values.split()]
med = {k: statistics.median(v) for k, v in cells.items()}
cols = ["skopeo_push", "podman_push", "tally_push_cli", "tally_push_api", "tally_push_docker",
        "skopeo_pull", "podman_pull", "tally_pull_cli", "tally_pull_api", "tally_pull_docker"]
heads = ["skopeo push", "podman push", "tally push", "tally push (API)", "tally push (docker CLI)",
         "skopeo pull", "podman pull+unpack", "tally pull+unpack", "tally pull+unpack (API)",
         "tally pull+unpack (docker CLI)"]
print(f"MB/s, median of {runs} runs (all runs: see below)")
print("| image | " + " | ".join(heads) + " |")
for name, n, mib in shapes:
    label = f"{n} x {mib} MiB"
    print(f"| {label} | " + " | ".join(f"{med[name + '.' + c]:.1f}" for c in cols) + " |")
for name, _, _ in shapes:
    m = lambda c: med[name + "." + c]
    for via, s in (("CLI", "cli"), ("API", "api")):
        print(f"{name} ({via}): tally push / skopeo push = {m('tally_push_' + s) / m('skopeo_push'):.2f} (target >= 0.90); "
              f"tally pull+unpack / podman pull = {m('tally_pull_' + s) / m('podman_pull'):.2f} (target > 1); "
              f"tally pull / skopeo copy = {m('tally_pull_' + s) / m('skopeo_pull'):.2f} (target >= 0.90); "
              f"tally / podman push = {m('tally_push_' + s) / m('podman_push'):.2f}")
    print(f"{name} (docker CLI): tally push / skopeo push = {m('tally_push_docker') / m('skopeo_push'):.2f} (target >= 0.90); "
          f"tally pull+unpack / podman pull = {m('tally_pull_docker') / m('podman_pull'):.2f} "
          f"(target > 1); tally pull / skopeo copy = {m('tally_pull_docker') / m('skopeo_pull'):.2f} (target >= 0.90); "
          f"tally / podman push = {m('tally_push_docker') / m('podman_push'):.2f}")
for k in sorted(cells):
    print(f"  {k}: {' '.join(f'{v:.1f}' for v in cells[k])}")
PY
