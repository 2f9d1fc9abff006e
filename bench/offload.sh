#!/usr/bin/env bash
# What the shared offload queue costs and buys: handler.offload pinned vs shared-queue, same offloadThreads.
#
# 1. keep-alive: RATE req/s of GET / over 32 connections (open loop, Topo's loadgen, 5 s warm-up then 10 s
#    measured). Prints server CPU µs per request (/proc/PID/stat utime+stime, all threads, divided by the requests
#    the server itself counted over the same window, warm-up included, from its /metrics) and the client's p99.
# 2. mixed: the same GET / load plus, at the same time, a second loadgen asking SLOW_RATE req/s of
#    /work?sleep=50ms on its own SLOW_CONNECTIONS connections. Prints the p99/p99.9 of the fast GET / requests:
#    pinned puts fast connections on the same offload thread as a sleeping one, the shared queue does not.
#
#   bash bench/offload.sh                         # 3 interleaved runs per mode, medians, ~3.5 min
#   RUNS=1 RATE=5000 THREADS=8 bash bench/offload.sh
#
# The server runs on CPU SERVER_CPU, the clients on CLIENT_CPU (2 cores: they would otherwise steal each other's
# time), one server at a time, on 127.0.0.1 only.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
RUNS=${RUNS:-3}
RATE=${RATE:-10000}
THREADS=${THREADS:-4}
SLOW_RATE=${SLOW_RATE:-20}
SLOW_CONNECTIONS=${SLOW_CONNECTIONS:-4}
JAVA=${JAVA:-java}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=${PORT:-18180}
ADMIN_PORT=${ADMIN_PORT:-18181}
work=$(mktemp -d /tmp/topo-offload-bench.XXXXXX)
server_pid=

cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for module in server loadgen; do
    if [[ ! -f $root/$module/target/topo-$module.jar ]]; then
        (cd "$root" && mvn -B -o -q -pl "$module" -am package -DskipTests)
    fi
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

served() {
    curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk '/^topo_requests_served_total/ {printf "%d", $2}'
}

start_server() {
    local mode=$1
    cat > "$work/$mode.yaml" <<YAML
bind: {host: 127.0.0.1, port: $PORT}
topology: {kind: single-acceptor, workers: 1}
handler: {offloadThreads: $THREADS, offload: $mode}
admin: {host: 127.0.0.1, port: $ADMIN_PORT}
drainDelay: 0s
YAML
    taskset -c "$SERVER_CPU" "$JAVA" -jar "$root/server/target/topo-server.jar" --config "$work/$mode.yaml" \
        > "$work/$mode.log" 2>&1 &
    server_pid=$!
    wait_http "$PORT" 10 && return 0
    echo "the $mode server did not start:" >&2
    cat "$work/$mode.log" >&2
    return 1
}

stop_server() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=
}

load() {
    local url=$1 out=$2
    shift 2
    taskset -c "$CLIENT_CPU" "$JAVA" -jar "$root/loadgen/target/topo-loadgen.jar" "$url" -q --json "$out" "$@" \
        > "$out.txt" 2>&1 || true
}

# "p99_ms p999_ms 2xx_count" from a loadgen JSON result (latency from the intended send time).
figures() {
    python3 - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
lat = s["latency"]
print(f'{lat["p99Us"] / 1000:.2f} {lat["p999Us"] / 1000:.2f} {s["statusClasses"]["2xx"]}')
PY
}

keepalive_run() {
    local mode=$1 before after n0 n1
    before=$(ticks "$server_pid")
    n0=$(served)
    load "http://127.0.0.1:$PORT/" "$work/ka.json" -R "$RATE" -c 32 -d 10s --warmup 5s
    after=$(ticks "$server_pid")
    n1=$(served)
    read -r p99 p999 ok < <(figures "$work/ka.json")
    us=$(awk -v d="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$((n1 - n0))" \
        'BEGIN {printf "%.2f", (n > 0 ? d / hz * 1e6 / n : 0)}')
    printf '%-13s keep-alive  %8d req  %7s us/req  p99 %8s ms\n' "$mode" "$ok" "$us" "$p99"
    echo "$mode us $us" >> "$work/results"
    echo "$mode ka-p99 $p99" >> "$work/results"
}

mixed_run() {
    local mode=$1
    load "http://127.0.0.1:$PORT/work?sleep=50ms" "$work/slow.json" -R "$SLOW_RATE" -c "$SLOW_CONNECTIONS" \
        -d 12s --warmup 2s &
    local slow=$!
    sleep 1 # the slow client's JVM is up and sending before the fast one starts measuring
    load "http://127.0.0.1:$PORT/" "$work/fast.json" -R "$RATE" -c 32 -d 10s --warmup 1s
    wait "$slow"
    read -r p99 p999 ok < <(figures "$work/fast.json")
    read -r sp99 _ sok < <(figures "$work/slow.json")
    printf '%-13s mixed       fast GET /: %d req, p99 %s ms, p99.9 %s ms;  /work?sleep=50ms: %d req, p99 %s ms\n' \
        "$mode" "$ok" "$p99" "$p999" "$sok" "$sp99"
    echo "$mode mixed-p99 $p99" >> "$work/results"
    echo "$mode mixed-p999 $p999" >> "$work/results"
}

# One line per mode: the medians over the runs.
summary() {
    echo
    echo "medians of $RUNS run(s):"
    printf '%-13s %14s %16s %20s %22s\n' mode "CPU us/req" "keep-alive p99" "mixed: fast GET p99" \
        "mixed: fast GET p99.9"
    for mode in pinned shared-queue; do
        local row=()
        for figure in us ka-p99 mixed-p99 mixed-p999; do
            row+=("$(awk -v m="$mode" -v f="$figure" '$1 == m && $2 == f {print $3}' "$work/results" | median)")
        done
        printf '%-13s %14s %13s ms %17s ms %19s ms\n' "$mode" "${row[@]}"
    done
}

echo "$(date -u +%FT%TZ) offload bench: single-acceptor, 1 loop, offloadThreads $THREADS; GET / at $RATE req/s on" \
    "32 connections; mixed adds /work?sleep=50ms at $SLOW_RATE req/s on $SLOW_CONNECTIONS connections;" \
    "server on CPU $SERVER_CPU, clients on CPU $CLIENT_CPU"
for run in $(seq 1 "$RUNS"); do
    for mode in pinned shared-queue; do
        start_server "$mode"
        keepalive_run "$mode"
        mixed_run "$mode"
        stop_server
    done
done
summary
