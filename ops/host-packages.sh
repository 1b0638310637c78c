#!/usr/bin/env bash
# Installs what the host needs to build and run tally: a JDK 17, Maven, runc (the OCI runtime),
# conmon (each container's monitor) and busybox-static (the base image, made without a network).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v javac >/dev/null 2>&1 && javac -version 2>&1 | grep -q ' 17\.' || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
for p in runc conmon busybox-static; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "tally: installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
