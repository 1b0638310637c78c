#!/usr/bin/env bash
# The README's second command: installs the host packages and runs every test, container tests
# included (they need root, runc and conmon).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bash ops/host-packages.sh --docker-cli
mvn -B test
