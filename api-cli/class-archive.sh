#!/bin/sh
# Makes CLI_DIR/tally.jsa, the class-data archive the tally launcher maps at
# start-up, so that a command's JVM finds its classes already parsed and laid out.
#
# Usage: class-archive.sh CLI_DIR   (CLI_DIR holds the CLI's jars)
#
# The archive is a static one, dumped from the classes that real commands load:
# picocli's classes target Java 5, and Java 17 keeps such classes only in static
# archives (a dynamic one made with -XX:ArchiveClassesAtExit leaves them out).
# The commands below run against the daemon at $TALLY_HOST or the default socket;
# `run --rm` starts and removes a throwaway busybox container. Without a daemon
# (or the image) each stops at its first request, and the archive holds what the
# commands loaded up to there; the rest loads from the jars as usual.
set -eu
cli=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/all"

train() {
  rm -f "$work/part"
  java -XX:DumpLoadedClassList="$work/part" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData \
    -cp "$cli/*" dev.tally.cli.TallyCli "$@" </dev/null >/dev/null 2>&1 || true
  cat "$work/part" >>"$work/all" 2>/dev/null || true
}
train --help
train version
train ps -a
train images
train run --rm busybox true
train pull -q busybox

awk '!seen[$0]++' "$work/all" >"$work/classlist"
rm -f "$cli/tally.jsa"
# Dumped with the launcher's collector (G1, the default): only then does the archive get
# its heap part (archived module graph and strings), which JDK 17 maps for G1 alone.
java -Xshare:dump -XX:SharedClassListFile="$work/classlist" -XX:SharedArchiveFile="$cli/tally.jsa" \
  -cp "$cli/*" >"$work/dump.log" 2>&1 || {
  rm -f "$cli/tally.jsa"
  echo "class-archive.sh: no class-data archive, tally starts without it:" >&2
  tail -n 5 "$work/dump.log" >&2
}
