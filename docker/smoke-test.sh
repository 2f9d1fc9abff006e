#!/usr/bin/env bash
# Builds the Topo image and proves it on this machine:
#   1. image builds (local debootstrap base images when no registry answers)
#   2. for each of two mounted topology files, and for TOPO_TOPOLOGY=reuseport:
#      /healthz is 200, the JVM saw the container's CPU and memory limits,
#      /topology reports the kind and listener count of the config, the image's
#      HEALTHCHECK passes, `topo load` from the same image runs against it with
#      zero errors, SIGTERM drains and the container exits 0
#   3. reports timings and the image size
#
# Uses docker when a docker engine answers, else `podman --runtime runc`.
# Exit codes: 0 passed, 1 failed, 77 cannot run here (no engine, no JDK >= 21 for
# the local base image), so CI can tell "skipped" from "broken".
#
# Knobs: TOPO_IMAGE (tag to build), TOPO_BUILD_IMAGE / TOPO_RUNTIME_IMAGE (skip the
# registry probe and use these), TOPO_SMOKE_NO_BUILD=1 (reuse TOPO_IMAGE as is),
# TOPO_SMOKE_LOAD_DURATION (default 3s), TOPO_M2 (host Maven repo to share with a
# podman build, default ~/.m2 when it exists; "none" to disable).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=${TOPO_IMAGE:-localhost/topo:smoke}
LOAD_DURATION=${TOPO_SMOKE_LOAD_DURATION:-3s}
READY_TIMEOUT=90
STOP_TIMEOUT=30
# Fully qualified: podman refuses short names without a search registry configured.
DEFAULT_BUILD_IMAGE=docker.io/library/maven:3.9-eclipse-temurin-25
DEFAULT_RUNTIME_IMAGE=docker.io/library/debian:bookworm-slim

START=$SECONDS
log() { printf '[smoke %4ds] %s\n' "$((SECONDS - START))" "$*"; }
fail() { log "FAIL: $*"; exit 1; }
skip() { log "SKIP: $*"; exit 77; }

# ---- engine -----------------------------------------------------------------
if command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1; then
    engine=(docker)
    build_flags=()
    health_flags=()
elif command -v podman >/dev/null; then
    # crun from Debian fails in this kind of sandbox; runc works.
    engine=(podman --runtime runc)
    # --format docker keeps HEALTHCHECK (OCI images have no such field); the host
    # network lets the Maven stage reach Maven Central without a CNI bridge.
    # podman 4 does not pick up Dockerfile.dockerignore by itself (BuildKit does).
    build_flags=(--format docker --network host --ignorefile "$ROOT/docker/Dockerfile.dockerignore")
    # Podman schedules HEALTHCHECK with systemd timers, absent here; the smoke test
    # runs the image's healthcheck itself with `podman healthcheck run`.
    health_flags=(--health-interval disable)
else
    skip "neither a docker engine nor podman is available"
fi
command -v curl >/dev/null || skip "curl is needed on the host"
command -v jq >/dev/null || command -v python3 >/dev/null || skip "jq or python3 is needed on the host"

# The engines' default ulimits exceed what this sandbox grants (and fail the
# container start), so ask for what the host hard limits allow.
hard_nofile=$(ulimit -Hn); hard_nproc=$(ulimit -Hu)
[ "$hard_nofile" = unlimited ] && hard_nofile=65536
[ "$hard_nproc" = unlimited ] && hard_nproc=8192
nofile=$(( hard_nofile < 65536 ? hard_nofile : 65536 ))
procs=$(( hard_nproc < 8192 ? hard_nproc : 8192 ))
run_flags=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$procs:$procs")
log "engine: ${engine[*]}, ulimits nofile=$nofile nproc=$procs"

# Runs the engine with stderr kept aside: podman without systemd logs an error for
# every healthcheck timer it cannot create, which is noise here (the smoke test
# runs the healthcheck itself). On failure the output is shown.
quiet() {
    local err rc=0
    err=$(mktemp)
    "${engine[@]}" "$@" 2>"$err" || rc=$?
    if [ $rc -ne 0 ]; then
        cat "$err" >&2
    else
        grep -v 'systemd connection' "$err" >&2 || true
    fi
    rm -f "$err"
    return $rc
}

containers=()
scratch=$(mktemp -d)
cleanup() {
    local c
    for c in "${containers[@]}"; do
        "${engine[@]}" rm -f "$c" >/dev/null 2>&1 || true
    done
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- base images ---------------------------------------------------------------
registry_reachable() {
    timeout 60 "${engine[@]}" pull -q "$DEFAULT_RUNTIME_IMAGE" >/dev/null 2>&1 \
        && timeout 600 "${engine[@]}" pull -q "$DEFAULT_BUILD_IMAGE" >/dev/null 2>&1
}

if [ "${TOPO_SMOKE_NO_BUILD:-}" = 1 ]; then
    log "TOPO_SMOKE_NO_BUILD=1: testing $IMAGE as it is"
else
    t0=$SECONDS
    if [ -n "${TOPO_BUILD_IMAGE:-}" ] && [ -n "${TOPO_RUNTIME_IMAGE:-}" ]; then
        build_image=$TOPO_BUILD_IMAGE runtime_image=$TOPO_RUNTIME_IMAGE
    elif registry_reachable; then
        build_image=$DEFAULT_BUILD_IMAGE runtime_image=$DEFAULT_RUNTIME_IMAGE
    else
        log "no registry reachable: local base images (docker/base-images.sh)"
        command -v debootstrap >/dev/null || skip "no registry and no debootstrap to build base images"
        set +e
        base_out=$(bash "$ROOT/docker/base-images.sh" "${engine[@]}")
        rc=$?
        set -e
        [ $rc -eq 3 ] && skip "no JDK >= 21 on the host to put in the build base image"
        [ $rc -eq 0 ] || fail "base images could not be built (rc $rc)"
        build_image=$(sed -n 's/^BUILD_IMAGE=//p' <<<"$base_out")
        runtime_image=$(sed -n 's/^RUNTIME_IMAGE=//p' <<<"$base_out")
    fi
    log "base images ready in $((SECONDS - t0))s: BUILD_IMAGE=$build_image RUNTIME_IMAGE=$runtime_image"

    # Sharing the host's Maven repository makes a podman build download nothing it
    # already has; docker build has no -v, there the Dockerfile's cache mount serves.
    m2=${TOPO_M2:-$HOME/.m2}
    if [ "${engine[0]}" = podman ] && [ "$m2" != none ] && [ -d "$m2" ]; then
        build_flags+=(--volume "$m2:/root/.m2")
        log "sharing Maven repository $m2 with the build"
    fi

    t0=$SECONDS
    log "building $IMAGE"
    if ! timeout 1200 "${engine[@]}" build "${build_flags[@]}" \
            --build-arg "BUILD_IMAGE=$build_image" --build-arg "RUNTIME_IMAGE=$runtime_image" \
            -f "$ROOT/docker/Dockerfile" -t "$IMAGE" "$ROOT" >"${TMPDIR:-/tmp}/topo-smoke-build.log" 2>&1; then
        tail -n 40 "${TMPDIR:-/tmp}/topo-smoke-build.log"
        fail "image build failed (full log: ${TMPDIR:-/tmp}/topo-smoke-build.log)"
    fi
    build_seconds=$((SECONDS - t0))
    log "image built in ${build_seconds}s"
fi

# ---- helpers --------------------------------------------------------------------
json_get() { # json_get EXPR < json; EXPR is one of the jq expressions below
    if command -v jq >/dev/null; then
        jq -r "$1"
    else
        python3 -c 'import json,sys
d=json.load(sys.stdin)
print({".kind": lambda: d["kind"],
       "(.listeners|length)": lambda: len(d["listeners"]),
       "(.listeners[0].loops|length)": lambda: len(d["listeners"][0]["loops"])}[sys.argv[1]]())' "$1"
    fi
}

# "KIND LISTENERS WORKERS" as written in a YAML file. A missing listeners key means
# 1 (single-acceptor has exactly one listening socket), missing workers means auto;
# the caller resolves "auto" to the container's CPU limit.
yaml_topology() {
    local file=$1 kind listeners workers
    kind=$(sed -n '/^topology:/,/^[^ #]/ s/^ *kind: *\([a-z-]*\).*/\1/p' "$file" | head -n1)
    listeners=$(sed -n '/^topology:/,/^[^ #]/ s/^ *listeners: *\([0-9a-z]*\).*/\1/p' "$file" | head -n1)
    workers=$(sed -n '/^topology:/,/^[^ #]/ s/^ *workers: *\([0-9a-z]*\).*/\1/p' "$file" | head -n1)
    echo "${kind:-single-acceptor} ${listeners:-1} ${workers:-auto}"
}

host_port() { # host_port CONTAINER CONTAINER_PORT -> the loopback port the engine published
    "${engine[@]}" port "$1" "$2/tcp" | head -n1 | sed 's/.*://'
}

wait_healthy() {
    local c=$1 admin=$2 deadline=$((SECONDS + READY_TIMEOUT))
    until curl -fsS -m 2 "http://127.0.0.1:$admin/healthz" >/dev/null 2>&1; do
        if [ "$("${engine[@]}" inspect -f '{{.State.Running}}' "$c")" != true ]; then
            "${engine[@]}" logs "$c" 2>&1 | tail -n 30
            fail "$c exited before /healthz answered"
        fi
        [ $SECONDS -lt $deadline ] || { "${engine[@]}" logs "$c" 2>&1 | tail -n 30; fail "$c: /healthz not up after ${READY_TIMEOUT}s"; }
        sleep 1
    done
}

# The image's HEALTHCHECK as the engine runs it: podman on demand, docker on its
# own schedule (first probe after --interval, 10s).
check_image_healthcheck() {
    local c=$1 deadline=$((SECONDS + 45)) status
    if [ "${engine[0]}" = podman ]; then
        "${engine[@]}" healthcheck run "$c"
        return
    fi
    while [ $SECONDS -lt $deadline ]; do
        status=$("${engine[@]}" inspect -f '{{.State.Health.Status}}' "$c")
        [ "$status" = healthy ] && return 0
        sleep 2
    done
    echo "health status: $status" >&2
    return 1
}

# run_case NAME CPUS EXPECTED_KIND EXPECTED_LISTENERS EXPECTED_WORKERS ENGINE-RUN-ARGS...
# "auto" means one per CPU of the container's limit: run with fewer CPUs than the
# host has, a JVM that ignored the limit would show more. EXPECTED_WORKERS is
# checked for single-acceptor only (its one listener's loops are the workers).
run_case() {
    local name=$1 cpus=$2 want_kind=$3 want_listeners=$4 want_workers=$5; shift 5
    local c="topo-smoke-$$-$name" t0=$SECONDS
    [ "$want_listeners" = auto ] && want_listeners=$cpus
    [ "$want_workers" = auto ] && want_workers=$cpus
    log "--- case $name: --cpus $cpus --memory 512m, expect kind=$want_kind listeners=$want_listeners"
    containers+=("$c")
    quiet run -d --name "$c" "${run_flags[@]}" "${health_flags[@]}" --cpus "$cpus" --memory 512m \
        -p 127.0.0.1::8080 -p 127.0.0.1::9090 "$@" "$IMAGE" >/dev/null
    local http admin
    http=$(host_port "$c" 8080); admin=$(host_port "$c" 9090)
    wait_healthy "$c" "$admin"
    log "healthy after $((SECONDS - t0))s (service 127.0.0.1:$http, admin 127.0.0.1:$admin)"
    # The startup line reports what the JVM detected: CPUs must be the --cpus limit
    # and the heap 75% (MaxRAMPercentage) of --memory 512m, not of the host's RAM.
    local ready seen_cpus heap
    ready=$("${engine[@]}" logs "$c" 2>&1 | grep -m1 'cpus=' || true)
    [ -n "$ready" ] || fail "$name: no startup line with cpus= in the log"
    log "startup: ${ready#*] }"
    seen_cpus=$(grep -o 'cpus=[0-9]*' <<<"$ready" | cut -d= -f2)
    heap=$(grep -o 'maxHeap=[0-9]*' <<<"$ready" | cut -d= -f2)
    [ "$seen_cpus" = "$cpus" ] || fail "$name: the JVM sees $seen_cpus CPUs, the container limit is $cpus"
    [ -n "$heap" ] && [ "$heap" -ge 256 ] && [ "$heap" -le 384 ] \
        || fail "$name: max heap ${heap:-?}MiB does not follow the 512m limit (expected 256..384)"

    local topology kind listeners
    topology=$(curl -fsS -m 5 "http://127.0.0.1:$admin/topology")
    kind=$(json_get .kind <<<"$topology")
    listeners=$(json_get '(.listeners|length)' <<<"$topology")
    log "/topology: kind=$kind listeners=$listeners"
    [ "$kind" = "$want_kind" ] || fail "$name: /topology kind is $kind, the config says $want_kind"
    [ "$listeners" = "$want_listeners" ] || fail "$name: /topology has $listeners listeners, the config says $want_listeners"
    if [ "$want_kind" = single-acceptor ]; then
        local workers
        workers=$(json_get '(.listeners[0].loops|length)' <<<"$topology")
        [ "$workers" = "$want_workers" ] || fail "$name: $workers worker loops, expected $want_workers"
        log "/topology: $workers worker loops (workers: auto under --cpus $cpus)"
    fi

    local body
    body=$(curl -fsS -m 5 "http://127.0.0.1:$http/")
    [ "$body" = "Hello, World!" ] || fail "$name: GET / answered '$body'"
    local metrics
    metrics=$(curl -fsS -m 5 "http://127.0.0.1:$admin/metrics")
    grep -q '^# TYPE' <<<"$metrics" || fail "$name: /metrics is not Prometheus text"

    check_image_healthcheck "$c" || fail "$name: the image's HEALTHCHECK does not report healthy"
    # docker stop only drains if the JVM itself is PID 1 and gets the SIGTERM.
    local pid1
    pid1=$("${engine[@]}" exec "$c" cat /proc/1/comm)
    [ "$pid1" = java ] || fail "$name: PID 1 is $pid1, not java"

    # The load generator from the same image, in the server's network namespace, so
    # the target is the container's own loopback.
    local lt0=$SECONDS
    containers+=("$c-load")
    log "topo load for $LOAD_DURATION"
    if ! timeout 120 "${engine[@]}" run --rm --name "$c-load" "${run_flags[@]}" --no-healthcheck --cpus 1 --memory 512m \
            --network "container:$c" "$IMAGE" \
            load http://127.0.0.1:8080/ -c 8 -t 1 -d "$LOAD_DURATION" --max-error-rate 0 -q 2>&1 \
            | { grep -v 'systemd connection' || true; } | sed 's/^/    | /'; then
        fail "$name: topo load failed or saw errors"
    fi
    log "load passed in $((SECONDS - lt0))s"

    local st0=$SECONDS code
    quiet stop -t "$STOP_TIMEOUT" "$c" >/dev/null
    code=$("${engine[@]}" inspect -f '{{.State.ExitCode}}' "$c")
    log "SIGTERM -> exit $code after $((SECONDS - st0))s; last log lines:"
    "${engine[@]}" logs "$c" 2>&1 | tail -n 3 | sed 's/^/    | /'
    [ "$code" = 0 ] || fail "$name: exit code $code after SIGTERM (expected a graceful 0)"
    [ $((SECONDS - st0)) -lt "$STOP_TIMEOUT" ] || fail "$name: the stop took the whole timeout (SIGKILL?)"
    quiet rm -f "$c" >/dev/null
}

# Fail early and precisely rather than in the first load run.
if ! timeout 60 "${engine[@]}" run --rm "${run_flags[@]}" --no-healthcheck --entrypoint test "$IMAGE" \
        -f /opt/topo/topo-loadgen.jar; then
    fail "$IMAGE has no /opt/topo/topo-loadgen.jar (is loadgen in the root pom's <modules>?)"
fi

# ---- cases ----------------------------------------------------------------------
# Two mounted files in turn; single-acceptor under one CPU so workers: auto has to
# follow the limit. Engines refuse --cpus above the host's CPU count.
two_cpus=$(( $(nproc) >= 2 ? 2 : 1 ))
f="$ROOT/docker/topologies/single-acceptor.yaml"
read -r kind listeners workers < <(yaml_topology "$f")
run_case mount-single-acceptor 1 "$kind" "$listeners" "$workers" -v "$f:/etc/topo/topo.yaml:ro"
f="$ROOT/docker/topologies/reuseport.yaml"
read -r kind listeners workers < <(yaml_topology "$f")
run_case mount-reuseport "$two_cpus" "$kind" "$listeners" "$workers" -v "$f:/etc/topo/topo.yaml:ro"

# The bundled file behind TOPO_TOPOLOGY, read from the image itself (listeners: auto),
# on a read-only root with a /tmp volume as the Kubernetes Deployment runs it (Netty
# unpacks its epoll library into /tmp, so /tmp must allow exec).
timeout 60 "${engine[@]}" run --rm "${run_flags[@]}" --no-healthcheck --entrypoint cat "$IMAGE" \
    /opt/topo/config/reuseport.yaml >"$scratch/bundled-reuseport.yaml"
read -r kind listeners workers < <(yaml_topology "$scratch/bundled-reuseport.yaml")
run_case env-reuseport 1 "$kind" "$listeners" "$workers" -e TOPO_TOPOLOGY=reuseport \
    --read-only --tmpfs /tmp:rw,exec,size=64m

# ---- report ---------------------------------------------------------------------
size=$("${engine[@]}" image inspect -f '{{.Size}}' "$IMAGE")
parts=$(timeout 60 "${engine[@]}" run --rm "${run_flags[@]}" --no-healthcheck --entrypoint du "$IMAGE" -sh /opt/java/jre /opt/topo | tr '\t\n' ' ,')
log "image $IMAGE: $((size / 1000000)) MB ($parts)"
log "PASS in $((SECONDS - START))s${build_seconds:+ (image build ${build_seconds}s)}"
