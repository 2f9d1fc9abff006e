#!/usr/bin/env bash
# Faults and lifecycle, measured under load (a script that prints its figures; about 3 minutes):
#
#   1. SIGTERM under a constant KA_RATE keep-alive requests/s (32 connections): requests lost among those sent on
#      established connections (closed, reset or timed out with the request outstanding), next to the reconnects
#      refused once the listeners closed (expected: the loadgen, unlike a load balancer, ignores /readyz). nginx
#      (one worker) gets `nginx -s quit` under the same load.
#   2. SIGKILL of worker slot 0 under CHURN_RATE new connections/s: connections that failed, and seconds from the
#      kill until the slot has a worker serving again, with and without a standby worker.
#
#   bash bench/faults.sh                 # KA_RATE=5000 CHURN_RATE=2000
#   KINDS="process-reuseport" bash bench/faults.sh
#
# Server on CPU 0, loadgen on CPU 1; everything on 127.0.0.1 and bounded in time.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
KA_RATE=${KA_RATE:-5000}
CHURN_RATE=${CHURN_RATE:-2000}
KINDS=${KINDS:-single-acceptor reuseport process-reuseport process-fd-passing}
JAVA=${JAVA:-java}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=18095
ADMIN=19095
work=$(mktemp -d /tmp/topo-faults.XXXXXX)
pids=()

cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    pkill -9 -f "$work" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v jq >/dev/null || missing+=(jq)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
    echo "installing ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[[ -n ${TOPO_BENCH_NO_BUILD:-} ]] || (cd "$root" && ./topo server --version >/dev/null && ./topo load --version >/dev/null)

load() { # $1 json, then loadgen options; runs in the background
    local json=$1
    shift
    taskset -c "$CLIENT_CPU" "$JAVA" -jar "$root/loadgen/target/topo-loadgen.jar" "http://127.0.0.1:$PORT/" -q \
        --warmup 0s --timeout 3s --json "$json" "$@" >"$json.out" 2>&1 &
    load_pid=$!
}

# Lost on established connections, refused (re)connects, answered.
tally() {
    jq -r '.summary as $s | "\(($s.errors.closed // 0) + ($s.errors.reset // 0) + ($s.errors.timeout // 0)
        + ($s.errors.protocol // 0)) \($s.errors.refused // 0) \($s.statusClasses["2xx"] // 0)"' "$1"
}

start_topo() { # $1 name, $2 topology yaml
    cat >"$work/$1.yaml" <<YAML
bind: {host: 127.0.0.1, port: $PORT}
admin: {host: 127.0.0.1, port: $ADMIN}
topology: $2
drainDelay: 2s
drainTimeout: 5s
YAML
    taskset -c "$SERVER_CPU" "$JAVA" -jar "$root/server/target/topo-server.jar" --config "$work/$1.yaml" \
        >"$work/$1.log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    wait_for "curl -fs http://127.0.0.1:$ADMIN/readyz" 60
}

topology_of() {
    case $1 in
        single-acceptor) echo "{kind: single-acceptor, workers: 1}" ;;
        reuseport) echo "{kind: reuseport, listeners: 2, workersPerListener: 0}" ;;
        process-reuseport) echo "{kind: process-reuseport, processes: 2, standbyWorkers: ${2:-1}}" ;;
        process-fd-passing) echo "{kind: process-fd-passing, processes: 2, workers: 1, standbyWorkers: ${2:-1}}" ;;
    esac
}

echo "# $(date -u +%F) $(nproc) CPUs, $(uname -r); server on CPU $SERVER_CPU, loadgen on CPU $CLIENT_CPU"
echo
echo "## SIGTERM under $KA_RATE keep-alive req/s (32 connections), signal 3 s into an 8 s run"
printf '%-22s %10s %14s %16s\n' server answered "lost (estab.)" "refused connects"

for kind in nginx $KINDS; do
    json=$work/term-$kind.json
    if [[ $kind == nginx ]]; then
        mkdir -p "$work/nginx/logs"
        cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    server { listen 127.0.0.1:$PORT; location / { return 200 "Hello, World!"; } }
}
CONF
        taskset -c "$SERVER_CPU" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
        wait_for "curl -fs http://127.0.0.1:$PORT/" 10
    else
        start_topo "$kind" "$(topology_of "$kind")"
    fi
    load "$json" -R "$KA_RATE" -c 32 -d 8s
    sleep 3
    if [[ $kind == nginx ]]; then
        nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s quit
    else
        kill -TERM "$server_pid"
    fi
    wait "$load_pid" || true
    [[ $kind == nginx ]] || wait "$server_pid" || true
    read -r lost refused answered < <(tally "$json")
    printf '%-22s %10s %14s %16s\n' "$kind" "$answered" "$lost" "$refused"
done

echo
echo "## SIGKILL of worker slot 0 under $CHURN_RATE new connections/s, 2 s into a 6 s run"
printf '%-22s %8s %10s %12s %18s\n' kind standby answered "failed" "serving again (s)"
for kind in $KINDS; do
    [[ $kind == process-* ]] || continue
    for standby in 1 0; do
        start_topo "$kind-$standby" "$(topology_of "$kind" "$standby")"
        if [[ $standby == 1 ]]; then
            wait_for "curl -fs http://127.0.0.1:$ADMIN/topology | jq -e '.standby[0].state == \"ready\"'" 60
        fi
        json=$work/kill-$kind-$standby.json
        load "$json" -R "$CHURN_RATE" -c 64 --connection-mode per-request -d 6s
        sleep 2
        victim=$(curl -fs "http://127.0.0.1:$ADMIN/topology" | jq -r '.workers[0].pid')
        t0=$(date +%s.%N)
        kill -9 "$victim"
        wait "$load_pid" || true
        # The master logs the moment the slot serves again; measured from the kill, not from a poll.
        at=$(grep -m1 "serves slot 0 again" "$work/$kind-$standby.log" | cut -d' ' -f1)
        serving="?"
        [[ -n $at ]] && serving=$(awk -v a="$t0" -v b="$(date -d "$at" +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
        kill -TERM "$server_pid"
        wait "$server_pid" || true
        failed=$(jq -r '.summary.errorsTotal' "$json")
        answered=$(jq -r '.summary.statusClasses["2xx"] // 0' "$json")
        printf '%-22s %8s %10s %12s %18s\n' "$kind" "$standby" "$answered" "$failed" "$serving"
    done
done
