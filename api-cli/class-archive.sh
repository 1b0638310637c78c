#!/bin/sh
# Makes CLI_DIR/tally.jsa, the class-data archive the tally launcher maps at
# start-up, so that a command's JVM finds its classes already parsed and laid out.
#
# Usage: class-archive.sh CLI_DIR   (CLI_DIR holds the CLI's jars)
#
# The archive is a static one, dumped from the classes that real commands load:
# picocli's classes target Java 5, and Java 17 keeps such classes only in static
# archives (a dynamic one made with -XX:ArchiveClassesAtExit leaves them out).
# version, ps, images, pull and push (quiet and with their progress lines), inspect, image
# inspect, tag and rmi run against a
# stand-in daemon (dev.tally.cli.TrainingDaemon, in the CLI's jars): it answers as
# tallyd does, so their whole path is archived with no daemon, registry or network,
# and no real daemon's state changes. A class missing from the archive costs more
# than itself: the first one makes the JVM open the jars (some 30-60 ms of a pull's
# start on a busy host). `run --rm` runs against the daemon at $TALLY_HOST or the
# default socket (it starts and removes a throwaway busybox container); without a
# daemon (or the image) it stops at its first request, and the rest of its path
# loads from the jars as usual.
set -eu
cli=$1
work=$(mktemp -d)
stand_in=
trap 'if [ -n "$stand_in" ]; then kill "$stand_in" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
: >"$work/all"

train() {
  rm -f "$work/part"
  java -XX:DumpLoadedClassList="$work/part" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData \
    -cp "$cli/*" dev.tally.cli.TallyCli "$@" </dev/null >/dev/null 2>&1 || true
  cat "$work/part" >>"$work/all" 2>/dev/null || true
}
java -cp "$cli/*" dev.tally.cli.TrainingDaemon "$work/train.sock" </dev/null >/dev/null 2>&1 &
stand_in=$!
i=0
while [ ! -S "$work/train.sock" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
at="unix://$work/train.sock"
train --help
train -H "$at" version
train -H "$at" ps -a
train -H "$at" images
train run --rm busybox true
train -H "$at" pull -q localhost/training:v1
train -H "$at" pull localhost/training:v1
train -H "$at" push -q localhost/training:v1
train -H "$at" push localhost/training:v1
train -H "$at" inspect localhost/training:v1
train -H "$at" image inspect localhost/training:v1
train -H "$at" tag localhost/training:v1 localhost/training:v2
train -H "$at" rmi localhost/training:v2
kill "$stand_in" 2>/dev/null || true
stand_in=

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
