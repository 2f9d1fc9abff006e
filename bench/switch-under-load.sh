#!/usr/bin/env bash
# Switching the accept topology under a constant load of new connections, three ways, side by side in one run:
#   topo-live     Topo switched live: POST /reload between single-acceptor and reuseport (2 listeners)
#   nginx-reload  nginx -s reload, its listen line changed to and from `reuseport` (1 worker)
#   topo-restart  Topo stopped (SIGTERM, drainDelay 0s) and started again with the other topology
# For each rate: SWITCHES switches, one every INTERVAL seconds, under `topo load --connection-mode per-request`
# (open loop, 64 connections); server on CPU 0, client on CPU 1; each server warmed first (WARMUP seconds).
# Prints per way and rate: failed requests per switch, median time to switch, and the requests/s of the worst
# first second after a switch against the median second of the warm-up run before (the JIT staying warm shows here).
#   bash bench/switch-under-load.sh                 # RATES="2000 5000" SWITCHES=10 INTERVAL=2 WARMUP=15
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
JAVA=${JAVA:-java}
RATES=${RATES:-2000 5000}
SWITCHES=${SWITCHES:-10}
INTERVAL=${INTERVAL:-2}
WARMUP=${WARMUP:-15}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=18095
ADMIN=19095
work=$(mktemp -d /tmp/topo-switch.XXXXXX)
server_pid=
took=0

cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
    [[ -f $work/nginx/nginx.pid ]] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    nginx-light >/dev/null; }
(cd "$root" && mvn -B -q -o -pl config-model,server,loadgen -am package -DskipTests >/dev/null 2>&1 \
    || mvn -B -q -pl config-model,server,loadgen -am package -DskipTests >&2)

# A fine poll: a restart's switch time ends when the new server answers.
wait_port() { wait_http "$PORT" 6 0.02; }

# The two shapes each way switches between, A and B.
topo_yaml() {
    local topology=$1
    [[ $topology == A ]] && topology="kind: single-acceptor, workers: 1" || topology="kind: reuseport, listeners: 2"
    printf 'bind: {host: 127.0.0.1, port: %s}\nadmin: {port: %s}\ndrainDelay: 0s\ndrainTimeout: 5s\n' \
        "$PORT" "$ADMIN"
    printf 'topology: {%s}\n' "$topology"
}

nginx_conf() {
    local reuseport=""
    [[ $1 == B ]] && reuseport=" reuseport"
    mkdir -p "$work/nginx/logs"
    cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$PORT$reuseport backlog=1024;
        location / { default_type text/plain; return 200 "Hello, World!"; }
    }
}
CONF
}

start_topo() {
    topo_yaml "$1" > "$work/topo.yaml"
    taskset -c "$SERVER_CPU" "$JAVA" -jar "$root/server/target/topo-server.jar" --config "$work/topo.yaml" \
        >> "$work/topo.log" 2>&1 &
    server_pid=$!
    wait_port
}

stop_topo() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
}

start_nginx() {
    nginx_conf A
    taskset -c "$SERVER_CPU" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
    wait_port
}

now_ms() { date +%s%3N; }

# One switch of $way to shape $to; sets $took to the milliseconds until the new shape serves. (Not in a
# subshell: topo-restart's new server must be this shell's child.)
switch() {
    local way=$1 to=$2 t0 t1 old
    t0=$(now_ms)
    case $way in
        topo-live)
            topo_yaml "$to" > "$work/topo.yaml"
            curl -s -XPOST "http://127.0.0.1:$ADMIN/reload" > "$work/reload.json"
            grep -q '"outcome" : "switched"' "$work/reload.json" || { cat "$work/reload.json" >&2; return 1; } ;;
        nginx-reload)
            old=$(pgrep -P "$(cat "$work/nginx/nginx.pid")" | sort | tr '\n' ' ')
            nginx_conf "$to"
            # Its "signal process started" notice is noise among the figures.
            nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s reload 2>/dev/null
            # Switched once a worker of the new configuration runs.
            while [[ $(pgrep -P "$(cat "$work/nginx/nginx.pid")" | sort | tr '\n' ' ') == "$old" ]]; do
                sleep 0.005
            done ;;
        topo-restart)
            stop_topo
            start_topo "$to" ;;
    esac
    t1=$(now_ms)
    took=$((t1 - t0))
}

load() {
    local rate=$1 secs=$2 out=$3
    taskset -c "$CLIENT_CPU" "$JAVA" -jar "$root/loadgen/target/topo-loadgen.jar" "http://127.0.0.1:$PORT/" -q \
        --warmup 0s -R "$rate" -d "${secs}s" -c 64 --connection-mode per-request --timeout 5s \
        --json "$out.json" --csv "$out.csv" > "$out.txt" 2>&1 || true
}

run() {
    local way=$1 rate=$2 out=$work/$1-$2
    case $way in
        nginx-reload) start_nginx ;;
        *) start_topo A ;;
    esac
    load "$rate" "$WARMUP" "$work/warm"
    local secs=$((SWITCHES * INTERVAL + 2))
    load "$rate" "$secs" "$out" &
    local client=$! began
    began=$(now_ms)
    : > "$out.switches"
    sleep 1
    for i in $(seq 1 "$SWITCHES"); do
        local to=B
        ((i % 2 == 0)) && to=A
        local at=$(( $(now_ms) - began ))
        switch "$way" "$to"
        echo "$at $took" >> "$out.switches"
        sleep "$INTERVAL"
    done
    wait "$client"
    case $way in
        nginx-reload) nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop; sleep 0.5 ;;
        *) stop_topo ;;
    esac
    python3 - "$way" "$rate" "$out" "$SWITCHES" "$work/warm.csv" <<'PY'
import csv, json, statistics, sys
way, rate, out, n, warm = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
s = json.load(open(out + ".json"))["summary"]
rows = list(csv.DictReader(open(out + ".csv")))
per_second = [float(r["requests"]) for r in rows]
switches = [tuple(map(int, line.split())) for line in open(out + ".switches")]
# The first whole second after each switch ended (timeline second k covers (k-1, k] s from the load's start).
firsts = []
for at, took in switches:
    k = int((at + took) / 1000) + 2
    if k <= len(per_second):
        firsts.append(per_second[k - 1])
# Steady: the median second of the warm-up run just before, the same load on the same, warm server.
steady = statistics.median(float(r["requests"]) for r in csv.DictReader(open(warm)))
failed = s["errorsTotal"]
kinds = ", ".join(f"{k} {v}" for k, v in s["errors"].items() if v)
print(f"{way:13} {rate:>6}/s  {s['requests']:>7} answered  {failed:>5} failed ({failed / n:6.1f}/switch; "
      f"{kinds or 'none'}; {s.get('dropped', 0)} not sent)  switch "
      f"{statistics.median(t for _, t in switches):>6.0f} ms median  first s after "
      f"{min(firsts) / steady if firsts else float('nan'):4.2f}x steady")
PY
}

echo "# $(date -u +%F) switch under load: $SWITCHES switches every ${INTERVAL}s, per-request connections, rates $RATES"
for rate in $RATES; do
    for way in topo-live nginx-reload topo-restart; do
        run "$way" "$rate"
    done
done
