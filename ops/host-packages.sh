#!/usr/bin/env bash
# Installs what the host needs to build and run tally: a JDK 17, Maven, runc (the OCI runtime),
# conmon (each container's monitor), busybox-static (the base image, made without a network) and
# openssl (ops/make-certs.sh makes a test CA and certificates for TCP with mutual TLS).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v javac >/dev/null 2>&1 && javac -version 2>&1 | grep -q ' 17\.' || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
for p in runc conmon busybox-static openssl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
# With --docker-cli (the tests drive tallyd with the docker CLI too): Debian's docker.io, for its
# CLI only, where no docker is on PATH. Its daemon must not start: a temporary policy-rc.d says so.
want_docker=no
[ "${1:-}" = "--docker-cli" ] && ! command -v docker >/dev/null 2>&1 && want_docker=yes && need+=(docker.io)
if [ ${#need[@]} -gt 0 ]; then
  echo "tally: installing ${need[*]}"
  made_policy=no
  if [ "$want_docker" = yes ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=yes
  fi
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  [ "$made_policy" = yes ] && rm -f /usr/sbin/policy-rc.d
fi
