#!/usr/bin/env bash
# Compares `topo load` with wrk (keep-alive) and ab (one connection per request) against nginx on loopback.
#
# nginx runs one worker pinned to CPU 0, every client is pinned to CPU 1, so each side has one core and the client
# is the bottleneck being compared. Runs are interleaved (wrk, topo, ab, topo) to spread machine noise evenly.
# Client CPU per request = (utime + stime from /proc/PID/stat over a window inside the steady state) / requests
# in that window (window CPU utilisation / the tool's reported rate).
#
# The "cold" column is what a user comparing tools sees: fresh processes, -d${COLD_DURATION}s, no warm-up option
# (topo load then warms up until steady by default, and reports only what follows), wrk and topo interleaved.
#
# Environment: TOPO_LOAD (command to run the loadgen, default "./topo load": the launcher, with its class-data
# archive), DURATION (s, 10), RUNS (3), WARMUP (s, 15: JVM warm-up with the same traffic, inside each warmed topo
# run), COLD_DURATION (s, 5), CONNECTIONS (64), CLOSE_CONNECTIONS (32), SERVER_CPU (0), CLIENT_CPU (1).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
TOPO_LOAD=${TOPO_LOAD:-"$ROOT/topo load"}
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-15}
COLD_DURATION=${COLD_DURATION:-5}
CONNECTIONS=${CONNECTIONS:-64}
CLOSE_CONNECTIONS=${CLOSE_CONNECTIONS:-32}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
OUT="$ROOT/bench/out/loadgen-vs-wrk-$(date -u +%Y%m%dT%H%M%SZ)"
CLK_TCK=$(getconf CLK_TCK)

log() { printf '%s\n' "$*" >&2; }

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
command -v ab >/dev/null || need+=(apache2-utils)
command -v taskset >/dev/null || need+=(util-linux)
if ((${#need[@]})); then
    log "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Builds the jar (and the launcher's class-data archive) if needed, outside every measurement.
# shellcheck disable=SC2086
$TOPO_LOAD --version >/dev/null

mkdir -p "$OUT"
TMP=$(mktemp -d)
if command -v python3 >/dev/null; then
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
else
    PORT=$(shuf -i 20000-32000 -n 1)
fi
URL="http://127.0.0.1:$PORT/"

cleanup() {
    if [[ -f "$TMP/nginx.pid" ]]; then
        kill "$(cat "$TMP/nginx.pid")" 2>/dev/null || true
        sleep 0.3
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

cat >"$TMP/nginx.conf" <<NGINX
worker_processes 1;
daemon on;
pid $TMP/nginx.pid;
error_log $TMP/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    keepalive_requests 1000000000;
    keepalive_timeout 300s;
    server {
        listen 127.0.0.1:$PORT backlog=4096 reuseport;
        location / {
            add_header X-Topo-Listener 0;
            add_header X-Topo-Loop nginx-1;
            return 200 "Hello, World!";
        }
    }
}
NGINX
taskset -c "$SERVER_CPU" nginx -p "$TMP" -c "$TMP/nginx.conf"
wait_for "curl -fs $URL" 5 || { log "nginx did not start"; exit 1; }
log "nginx on $URL pinned to CPU $SERVER_CPU; clients on CPU $CLIENT_CPU; results in $OUT"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# run NAME WINDOW_START WINDOW_END CMD...: runs CMD pinned to the client CPU, samples its CPU time between the two
# offsets (seconds after launch), prints "RATE CPU_US_PER_REQUEST".
run() {
    local name=$1 from=$2 to=$3
    shift 3
    local file="$OUT/$name.txt"
    taskset -c "$CLIENT_CPU" "$@" >"$file" 2>&1 &
    local pid=$!
    sleep "$from"
    local c0 t0 c1 t1
    c0=$(cpu_ticks $pid); t0=$(date +%s.%N)
    sleep "$((to - from))"
    c1=$(cpu_ticks $pid); t1=$(date +%s.%N)
    wait $pid || { log "$name failed: $(tail -3 "$file")"; echo "0 0"; return; }
    local rate
    rate=$(grep -E '^Requests/sec:|^Requests per second:' "$file" | head -1 | awk '{print ($1 == "Requests") ? $4 : $2}')
    echo "$rate $c0 $c1 $t0 $t1" | awk -v tck="$CLK_TCK" '{
        util = ($3 - $2) / tck / ($5 - $4);
        printf "%.1f %.2f\n", $1, ($1 > 0 ? util * 1e6 / $1 : 0) }'
}

log "warming up nginx (3s)"
taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d3s "$URL" >/dev/null

# cold NAME CMD...: runs CMD pinned to the client CPU as a fresh process, prints its reported req/s.
cold() {
    local name=$1
    shift
    local file="$OUT/$name.txt"
    taskset -c "$CLIENT_CPU" "$@" >"$file" 2>&1 || { log "$name failed: $(tail -3 "$file")"; echo 0; return; }
    grep -E '^Requests/sec:' "$file" | awk '{print $2}'
}

D=$DURATION
declare -A RATES CPUS COLD
WARMUPS=""
for i in $(seq "$RUNS"); do
    log "round $i/$RUNS"
    r=$(run "wrk-keepalive-$i" 1 $((D - 1)) wrk -t1 -c"$CONNECTIONS" -d"${D}s" "$URL")
    RATES[wrk]+="${r% *} "; CPUS[wrk]+="${r#* } "; log "  wrk  keep-alive    $r"
    # shellcheck disable=SC2086
    r=$(run "topo-keepalive-$i" $((WARMUP + 2)) $((WARMUP + D - 1)) $TOPO_LOAD "$URL" -t1 -c"$CONNECTIONS" \
        -d"${D}s" --warmup "${WARMUP}s" -q --json "$OUT/topo-keepalive-$i.json")
    RATES[topo]+="${r% *} "; CPUS[topo]+="${r#* } "; log "  topo keep-alive    $r"
    r=$(run "ab-close-$i" 1 $((D - 1)) ab -q -c"$CLOSE_CONNECTIONS" -t"$D" -n 100000000 "$URL")
    RATES[ab]+="${r% *} "; CPUS[ab]+="${r#* } "; log "  ab   per-request   $r"
    # shellcheck disable=SC2086
    r=$(run "topo-close-$i" $((WARMUP + 2)) $((WARMUP + D - 1)) $TOPO_LOAD "$URL" -t1 -c"$CLOSE_CONNECTIONS" \
        --connection-mode per-request -d"${D}s" --warmup "${WARMUP}s" -q --json "$OUT/topo-close-$i.json")
    RATES[topoclose]+="${r% *} "; CPUS[topoclose]+="${r#* } "; log "  topo per-request   $r"
    r=$(cold "wrk-cold-$i" wrk -t1 -c"$CONNECTIONS" -d"${COLD_DURATION}s" "$URL")
    COLD[wrk]+="$r "; log "  wrk  cold -d${COLD_DURATION}s  $r"
    # shellcheck disable=SC2086
    r=$(cold "topo-cold-$i" $TOPO_LOAD "$URL" -t1 -c"$CONNECTIONS" -d"${COLD_DURATION}s" -q \
        --json "$OUT/topo-cold-$i.json")
    w=$(grep -A3 '"warmup" : {' "$OUT/topo-cold-$i.json" | awk -F'[:,]' '/"seconds"/ {print $2+0}')
    COLD[topo]+="$r "; WARMUPS+="${w}s "; log "  topo cold -d${COLD_DURATION}s  $r (warm-up ${w}s, discarded)"
done

med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }
printf '\n%-30s %12s %16s %14s   %s\n' "client (median of $RUNS)" "req/s (${D}s)" "client CPU us/req" \
    "cold -d${COLD_DURATION}s" "runs req/s; cold runs req/s"
for k in wrk topo ab topoclose; do
    case $k in
        wrk) label="wrk -t1 -c$CONNECTIONS keep-alive" ;;
        topo) label="topo -t1 -c$CONNECTIONS keep-alive" ;;
        ab) label="ab -c$CLOSE_CONNECTIONS (no keep-alive)" ;;
        topoclose) label="topo per-request -c$CLOSE_CONNECTIONS" ;;
    esac
    cold_rate=-
    [[ -n ${COLD[$k]:-} ]] && cold_rate=$(printf '%.0f' "$(med "${COLD[$k]}")")
    printf '%-30s %12.0f %16.2f %14s   %s; %s\n' "$label" "$(med "${RATES[$k]}")" "$(med "${CPUS[$k]}")" \
        "$cold_rate" "${RATES[$k]}" "${COLD[$k]:--}"
done
awk -v tw="$(med "${RATES[topo]}")" -v w="$(med "${RATES[wrk]}")" -v tc="$(med "${CPUS[topo]}")" \
    -v wc="$(med "${CPUS[wrk]}")" -v tp="$(med "${RATES[topoclose]}")" -v a="$(med "${RATES[ab]}")" \
    -v tpc="$(med "${CPUS[topoclose]}")" -v ac="$(med "${CPUS[ab]}")" -v ct="$(med "${COLD[topo]}")" \
    -v cw="$(med "${COLD[wrk]}")" -v wu="$WARMUPS" 'BEGIN {
    printf "\ntopo/wrk keep-alive, warmed: req/s %.2fx (target >= 1.05), CPU per request %.2fx (target <= 1.0)\n",
        tw / w, tc / wc;
    printf "topo/wrk keep-alive, cold: req/s %.2fx (target >= 1.0); topo warm-ups (auto, discarded): %s\n",
        ct / cw, wu;
    printf "topo/ab per-request: req/s %.2fx (target >= 1.0), CPU per request %.2fx\n", tp / a, tpc / ac }'
log "raw outputs: $OUT"
