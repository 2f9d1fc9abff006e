#!/usr/bin/env bash
# Hostile clients against every topology (issue #16), on 127.0.0.1 only; stops by itself (~15 min with defaults).
#
#   bash bench/hostile.sh                          # every kind below
#   KINDS="single-acceptor iterative" FLOOD_SECONDS=20 bash bench/hostile.sh   # a quick look
#   MVN="mvn -o" bash bench/hostile.sh             # build offline
#
# Per topology, with the shipped limits (requestTimeout 10s, idleTimeout 60s, sendTimeout 30s):
#   - seconds until a client sending one header line every 100 ms, and one sending its body one byte every 100 ms,
#     are cut (expected: requestTimeout, within 1 s, answered 408);
#   - the server's RSS (master and workers) before and at most during FLOOD_SECONDS of a client that pipelines
#     GET /work?bytes=64KiB and never reads, reconnecting whenever the server cuts it (expected: bounded growth);
# and, on a second server of the same kind with the test suite's short limits, the hostile suite: cases handled /
# cases that apply to the kind. process-per-connection is left out (a JVM per connection: minutes per run).
# Results are also written to bench/out/hostile-<time>/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
FLOOD_SECONDS=${FLOOD_SECONDS:-60}
JAVA=${JAVA:-java}
MVN=${MVN:-mvn}
SERVER_OPTS=${SERVER_OPTS:-}
KINDS=${KINDS:-"single-acceptor single-acceptor-offload reuseport reuseport-pools shared-listener iterative
thread-per-connection thread-pool process-reuseport process-fd-passing process-shared-listener"}
out="$root/bench/out/hostile-$(date +%Y%m%d-%H%M%S)"
work=$(mktemp -d /tmp/topo-hostile.XXXXXX)
mkdir -p "$out"
server_pid=""

cleanup() {
    if [[ -n $server_pid ]]; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

topology() {
    case $1 in
        single-acceptor) echo "topology: {kind: single-acceptor, workers: 2}" ;;
        single-acceptor-offload)
            printf 'topology: {kind: single-acceptor, workers: 1}\nhandler: {offloadThreads: 4}\n' ;;
        reuseport) echo "topology: {kind: reuseport, listeners: 2, workersPerListener: 0}" ;;
        reuseport-pools) echo "topology: {kind: reuseport, listeners: 2, workersPerListener: 2}" ;;
        shared-listener) echo "topology: {kind: shared-listener, loops: 2}" ;;
        iterative) echo "topology: {kind: iterative}" ;;
        thread-per-connection) echo "topology: {kind: thread-per-connection}" ;;
        thread-pool) echo "topology: {kind: thread-pool, workers: 24, queue: 256}" ;;
        process-reuseport)
            echo "topology: {kind: process-reuseport, processes: 2, listeners: 1, workersPerListener: 0}" ;;
        process-fd-passing) echo "topology: {kind: process-fd-passing, processes: 2, workers: 1}" ;;
        process-shared-listener) echo "topology: {kind: process-shared-listener, processes: 2, loops: 1}" ;;
        *) echo "unknown kind $1" >&2; return 1 ;;
    esac
}

# What the hostile suite may assume of a kind (see HostileCase.Need).
needs() {
    case $1 in
        iterative) echo none ;;
        thread-per-connection | thread-pool) echo concurrency ;;
        *) echo all ;;
    esac
}

# Starts the server on $1 (YAML file); sets server_pid and port.
start_server() {
    local log=$2
    # shellcheck disable=SC2086
    "$JAVA" $SERVER_OPTS -jar server/target/topo-server.jar --config "$1" >"$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        # The master's own line: a multi-process master also forwards its workers' lines, prefixed [worker-N ...].
        if port=$(grep -v '^\[worker' "$log" | grep -o 'topo ready: .* address=[^ ]*' | sed 's/.*://'); then
            [[ -n $port ]] && return 0
        fi
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "server did not start; see $log" >&2
    tail -5 "$log" >&2
    return 1
}

stop_server() {
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# Resident memory of the server and its worker processes, KiB.
rss_kib() {
    local total=0 p
    for p in "$server_pid" $(pgrep -P "$server_pid" 2>/dev/null || true); do
        total=$((total + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

warm_up() {
    local i
    for i in $(seq 1 20); do
        exec 3<>"/dev/tcp/127.0.0.1/$port"
        printf 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n' >&3
        cat <&3 >/dev/null || true
        exec 3<&-
    done
}

echo "building server/target/topo-server.jar and the test classes" >&2
# shellcheck disable=SC2086
$MVN -B -q -pl config-model,server -DskipTests package >"$out/build.log" 2>&1 || {
    tail -20 "$out/build.log" >&2
    exit 1
}
cp="server/target/test-classes:server/target/topo-server.jar"
base="bind: {host: 127.0.0.1, port: 0}
admin: {host: 127.0.0.1, port: 0}
drainDelay: 0s
drainTimeout: 2s"
"$JAVA" -cp "$cp" dev.topo.server.hostile.HostileBench limits >"$work/suite-limits.yaml"

{
    printf '| topology | header trickle cut | body trickle cut | RSS under a %ss never-reading client | times cut |' \
        "$FLOOD_SECONDS"
    echo " hostile suite |"
    echo "|---|---|---|---|---|---|"
} >"$out/summary.md"
for kind in $KINDS; do
    echo "== $kind" >&2
    printf '%s\n%s\n' "$base" "$(topology "$kind")" >"$work/shipped.yaml"
    start_server "$work/shipped.yaml" "$out/$kind-shipped.log"
    warm_up
    serial=""
    [[ $kind == iterative ]] && serial=serial
    "$JAVA" -cp "$cp" dev.topo.server.hostile.HostileBench trickle "$port" 10000 $serial \
        | tee "$out/$kind-trickle.txt" >&2
    header=$(awk '/^header-trickle/ {print $2 " s (" $4 ")"}' "$out/$kind-trickle.txt")
    body=$(awk '/^body-trickle/ {print $2 " s (" $4 ")"}' "$out/$kind-trickle.txt")
    before=$(rss_kib)
    max=$before
    "$JAVA" -cp "$cp" dev.topo.server.hostile.HostileBench flood "$port" "$FLOOD_SECONDS" >"$out/$kind-flood.txt" &
    flood=$!
    while kill -0 "$flood" 2>/dev/null; do
        now=$(rss_kib)
        ((now > max)) && max=$now
        sleep 1
    done
    wait "$flood" || true
    cat "$out/$kind-flood.txt" >&2
    cuts=$(grep -o 'cut by the server [0-9]* times' "$out/$kind-flood.txt" | awk '{print $5}')
    stop_server

    printf '%s\n%s\n%s\n' "$base" "$(topology "$kind")" "$(cat "$work/suite-limits.yaml")" >"$work/suite.yaml"
    start_server "$work/suite.yaml" "$out/$kind-suite.log"
    "$JAVA" -cp "$cp" dev.topo.server.hostile.HostileBench suite "$port" "$(needs "$kind")" \
        >"$out/$kind-suite.txt" 2>&1 || true
    grep -v '^suite:' "$out/$kind-suite.txt" >&2 || true
    suite=$(grep -o 'handled [0-9]*/[0-9]*' "$out/$kind-suite.txt" | awk '{print $2}')
    stop_server
    printf '| %s | %s | %s | %d → %d MiB (+%d) | %s | %s |\n' "$kind" "$header" "$body" \
        $((before / 1024)) $((max / 1024)) $(((max - before) / 1024)) "${cuts:-?}" "${suite:-?}" >>"$out/summary.md"
done
echo "| process-per-connection | skipped | skipped | skipped | skipped | skipped (a JVM per connection) |" \
    >>"$out/summary.md"
cat "$out/summary.md"
