#!/bin/sh
# Makes DAEMON_DIR/tallyd.jsa, the class-data archive the tallyd launcher maps at start-up, so that
# a start and the first pull after it find their classes already parsed and laid out (measured on a
# busy 2-core host, one run each: start 3.0 -> 1.8 s of CPU, the first 100 MiB pull 2.1 -> 1.6 s).
#
# Usage: daemon-archive.sh DAEMON_DIR JVM_FLAG...   (DAEMON_DIR holds tallyd's jars; the flags are
# the launcher's, which a run must share with the dump)
#
# A training tallyd (a dynamic archive, -XX:ArchiveClassesAtExit, written when it stops) runs on a
# temporary data root, answers the common requests and pulls a small image from a registry made of
# static files served on 127.0.0.1, then stops. The registry and the requests are the JVM's own
# (dev.tally.ops.ArchiveTraining, in tallyd's jars): a minimal host without python3 or curl gets its
# archive too. Nothing outside its temporary directory is touched. Without root, or when anything
# fails, there is no archive (said on stderr), and tallyd starts without one, as before.
set -eu
dir=$1
shift
work=$(mktemp -d)
daemon=
cleanup() {
  if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null || true; fi
  grep -o " $work/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m"; done
  rm -rf --one-file-system "$work"
}
trap 'status=$?; cleanup; exit $status' EXIT
rm -f "$dir/tallyd.jsa"

# The image: one gzip'd layer (a directory, a file, a link), its config and an OCI manifest.
mkdir -p "$work/layer/etc" "$work/reg/v2/train/blobs" "$work/reg/v2/train/manifests"
echo training > "$work/layer/etc/hostname"
ln -s hostname "$work/layer/etc/name"
tar -C "$work/layer" -cf "$work/layer.tar" etc
gzip -c "$work/layer.tar" > "$work/layer.tgz"
blob() { # FILE -> stores it as a blob, prints its digest
  d=sha256:$(sha256sum "$1" | cut -d' ' -f1)
  cp "$1" "$work/reg/v2/train/blobs/$d"
  echo "$d"
}
layer=$(blob "$work/layer.tgz")
diff=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$diff" > "$work/config.json"
config=$(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}' \
  "$config" "$(stat -c %s "$work/config.json")" "$layer" "$(stat -c %s "$work/layer.tgz")" \
  > "$work/reg/v2/train/manifests/v1"
sock=$work/run/tally.sock
java "$@" -XX:ArchiveClassesAtExit="$dir/tallyd.jsa" -cp "$dir/*" dev.tally.ops.Tallyd \
  --data-root "$work/data" --exec-root "$work/run" --group root --policy "$work/no-policy.json" \
  >"$work/tallyd.log" 2>&1 &
daemon=$!
up=0
java -cp "$dir/*" dev.tally.ops.ArchiveTraining "$sock" "$work/reg" "$daemon" >"$work/training.log" 2>&1 && up=1
kill -TERM "$daemon"
wait "$daemon" || true
daemon=
if [ "$up" != 1 ] || [ ! -s "$dir/tallyd.jsa" ]; then
  rm -f "$dir/tallyd.jsa"
  echo "daemon-archive.sh: no class-data archive, tallyd starts without it:" >&2
  tail -n 5 "$work/training.log" "$work/tallyd.log" >&2
  exit 1
fi
exit 0
