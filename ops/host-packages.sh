#!/usr/bin/env bash
# Installs what the host needs to build and run tally: a JDK 17, Maven, runc (the OCI runtime),
# conmon (each container's monitor), busybox-static (the base image, made without a network),
# openssl (ops/make-certs.sh makes a test CA and certificates for TCP with mutual TLS),
# golang-github-containers-common for its data only: /usr/share/containers/seccomp.json, Docker's
# default seccomp profile, which every container runs under (tallyd starts none without it), and
# tini (its tini-static is Docker's own init, run as pid 1 for --init).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v javac >/dev/null 2>&1 && javac -version 2>&1 | grep -q ' 17\.' || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
for p in runc conmon busybox-static openssl golang-github-containers-common tini; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
# With --docker-cli (the tests drive tallyd with the docker CLI and the Python SDK too, and pull from and
# push to a real registry): Debian's python3-docker, docker-registry, skopeo, podman, apache2-utils,
# and docker.io for its CLI only, where no docker is on PATH. Neither docker's daemon nor the
# registry's service may start (the tests start their own registries): a temporary policy-rc.d says so.
want_docker=no
if [ "${1:-}" = "--docker-cli" ]; then
  # docker-registry (the reference registry, started by the pull/push tests on 127.0.0.1), skopeo and
  # podman (interop and benchmarks), apache2-utils (htpasswd for the registry's Basic auth)
  for p in python3-docker docker-registry skopeo podman apache2-utils; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  if ! command -v docker >/dev/null 2>&1; then
    want_docker=yes
    need+=(docker.io)
  fi
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "tally: installing ${need[*]}"
  made_policy=no
  if { [ "$want_docker" = yes ] || [[ " ${need[*]} " == *" docker-registry "* ]]; } && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=yes
  fi
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  if [ "$made_policy" = yes ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
