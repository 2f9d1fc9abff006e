#!/usr/bin/env bash
# Container smoke test for CI. Call it from .ci/run (do not source it: it exits):
#
#   bash docker/ci-snippet.sh
#
# Best run after the Maven build: the image build then shares ~/.m2 and downloads
# nothing. When this machine cannot run containers (podman/debootstrap not
# installable, no root, no JDK >= 21 for the base image) it says why and fails:
# CI must not pass on a stage that did not run. TOPO_CI_ALLOW_SKIP=1 turns that
# into a skip (exit 0) for machines known to have no container engine.
# Exits non-zero when the smoke test itself fails.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Base images + image build + three cases: about 3 minutes cold here; the bound
# leaves room for a slow mirror without eating the CI budget.
SMOKE_TIMEOUT=${TOPO_SMOKE_TIMEOUT:-1200}

skip() {
    if [ "${TOPO_CI_ALLOW_SKIP:-0}" = 1 ]; then
        echo "=== container smoke test: SKIPPED (TOPO_CI_ALLOW_SKIP=1): $* ==="
        exit 0
    fi
    echo "=== container smoke test: FAILED: could not run: $* (TOPO_CI_ALLOW_SKIP=1 accepts a skip) ==="
    exit 1
}

echo "=== container smoke test (docker/smoke-test.sh) ==="

have_engine() {
    { command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1; } \
        || { command -v podman >/dev/null && command -v runc >/dev/null; }
}

missing=()
have_engine || missing+=(podman runc)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || skip "needs root to install ${missing[*]}"
    command -v apt-get >/dev/null || skip "no apt-get to install ${missing[*]}"
    # Recommends forced on: podman's networking (netavark/CNI, iptables) and
    # fuse-overlayfs come as recommends, and CI images often turn those off.
    echo "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! { timeout 300 apt-get update -q >/dev/null \
            && timeout 600 apt-get install -y -q -o APT::Install-Recommends=true "${missing[@]}" \
                >/tmp/topo-ci-apt.log 2>&1; }; then
        tail -n 5 /tmp/topo-ci-apt.log 2>/dev/null || true
        skip "apt-get could not install ${missing[*]}"
    fi
fi
have_engine || skip "no usable container engine after installing podman"

set +e
timeout "$SMOKE_TIMEOUT" bash "$ROOT/docker/smoke-test.sh"
rc=$?
set -e
case $rc in
    0) echo "=== container smoke test: PASSED ===" ;;
    77) skip "the smoke test reports this machine cannot run it (see above)" ;;
    124) echo "=== container smoke test: FAILED: timed out after ${SMOKE_TIMEOUT}s ==="; exit 1 ;;
    *) echo "=== container smoke test: FAILED (exit $rc) ==="; exit "$rc" ;;
esac
