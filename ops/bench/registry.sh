#!/usr/bin/env bash
# Push and pull speed of tally beside skopeo and podman, same run, same registry (Debian's
# docker-registry on 127.0.0.1, plain HTTP, its storage wiped before each push so that every push
# uploads everything). Two images of incompressible data: one 100 MiB layer, and ten 10 MiB layers.
#   push: skopeo (from an OCI layout), podman (from its store), tally (from its store)
#   pull: skopeo (to an OCI layout, no unpacking), podman and tally (stored and unpacked)
# Prints MB/s (compressed bytes / wall time) per tool and the ratios the issue targets. Not part of
# the test suite. Build first (mvn -q -B -o package -DskipTests). Usage, as root:
#   bash ops/bench/registry.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=$(mktemp -d /tmp/tally-registry-bench.XXXXXX)
chmod 755 "$root"
mkdir "$root/lib"
[ -d "$repo/ops/target/lib" ] || { echo "build first: mvn -q -B -o package -DskipTests" >&2; exit 2; }
cp "$repo"/ops/target/ops-*.jar "$repo"/ops/target/lib/*.jar "$root/lib/"
cp="$root/lib/*"
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
tally() { java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$cp" dev.tally.cli.TallyCli -H "unix://$sock" "$@"; }
now() { date +%s.%N; }
rate() { python3 -c "import sys; b,t=float(sys.argv[1]),float(sys.argv[2]); print(f'{b/t/1e6:.1f}')" "$1" "$2"; }

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
    local dir=$1 n=$2 mib=$3 diffs=() descs=() total=0
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

java -XX:+UseSerialGC -Ddisable-axoniq-console-message=true -cp "$cp" \
    dev.tally.ops.Tallyd --data-root "$root/data" --exec-root "$root/run" >"$root/tallyd.log" 2>&1 &
tallyd=$!
for _ in $(seq 1 300); do
    tally version >/dev/null 2>&1 && break
    kill -0 "$tallyd" 2>/dev/null || { cat "$root/tallyd.log" >&2; exit 2; }
    sleep 0.2
done

printf '%-10s %-6s %-8s %10s\n' image tool verb MB/s
for shape in "one 1 100" "ten 10 10"; do
    set -- $shape
    name=$1
    bytes=$(layout "$root/$name" "$2" "$3")
    image="$reg/bench/$name:v1"
    declare -A r=()

    registry
    t0=$(now); skopeo copy --quiet --dest-tls-verify=false "oci:$root/$name:v1" "docker://$image"; t1=$(now)
    r[skopeo_push]=$(rate "$bytes" "$(echo "$t1 - $t0" | bc)")
    t0=$(now); skopeo copy --quiet --src-tls-verify=false "docker://$image" "oci:$root/$name-copy:v1"; t1=$(now)
    r[skopeo_pull]=$(rate "$bytes" "$(echo "$t1 - $t0" | bc)")
    t0=$(now); "${podman[@]}" pull -q --tls-verify=false "$image" >/dev/null; t1=$(now)
    r[podman_pull]=$(rate "$bytes" "$(echo "$t1 - $t0" | bc)")
    t0=$(now); tally pull -q "$image" >/dev/null; t1=$(now)
    r[tally_pull]=$(rate "$bytes" "$(echo "$t1 - $t0" | bc)")

    registry
    t0=$(now); "${podman[@]}" push -q --tls-verify=false "$image" >/dev/null; t1=$(now)
    r[podman_push]=$(rate "$bytes" "$(echo "$t1 - $t0" | bc)")
    registry
    t0=$(now); tally push -q "$image" >/dev/null; t1=$(now)
    r[tally_push]=$(rate "$bytes" "$(echo "$t1 - $t0" | bc)")

    for k in skopeo_push podman_push tally_push skopeo_pull podman_pull tally_pull; do
        printf '%-10s %-6s %-8s %10s\n' "$name" "${k%_*}" "${k#*_}" "${r[$k]}"
    done
    python3 - "${r[tally_push]}" "${r[skopeo_push]}" "${r[tally_pull]}" "${r[podman_pull]}" "${r[skopeo_pull]}" "$name" <<'PY'
import sys
tp, sp, tl, pl, sl = map(float, sys.argv[1:6])
name = sys.argv[6]
print(f"{name}: tally push / skopeo push = {tp/sp:.2f} (target >= 0.90); "
      f"tally pull+unpack / podman pull = {tl/pl:.2f} (target > 1); tally pull / skopeo copy = {tl/sl:.2f} (target >= 0.90)")
PY
    "${podman[@]}" rmi -f "$image" >/dev/null 2>&1 || true
done
