#!/usr/bin/env bash
# Server CPU per request, Topo vs nginx, at the same offered rate.
#
# On 2 cores the client saturates before the server, so throughput cannot separate servers. Instead every server is
# offered the same constant rate, pinned to CPU 0 with the client on CPU 1, and we read the server's CPU time (all
# threads, /proc/PID/stat utime+stime) over the run: µs of server CPU per answered request.
#
#   bash bench/server-vs-nginx.sh            # 3 interleaved runs of 10 s per server and scenario (~7 min)
#   RUNS=1 SECONDS_PER_RUN=5 bash bench/...  # a quick look
#   CLIENT=hey bash bench/...                # offer the rate with hey -q instead of Topo's loadgen (--rate)
#   SERVERS="nginx topo-reuseport" SCENARIOS=close EXTRAS=0 bash bench/...
#                                            # a subset: these servers (nginx always first, as the baseline), these
#                                            # scenarios, and no wrk/strace tables afterwards
#   BASE_JAR=/tmp/old-server.jar bash bench/...
#                                            # also each chosen Topo server from that jar (rows NAME+base): a change
#                                            # against the build before it, in the same run
#
# Scenarios: keep-alive at KA_RATE req/s (default 20000), connection-per-request at CLOSE_RATE conn/s (default 6000).
# Servers: nginx (1 worker, return 200 "Hello, World!"), Netty's own hello-world example on epoll with one loop
# (bench/NettyHelloWorld.java: the floor of a server made of Netty's channels and HTTP codec), Topo reuseport
# shared-nothing with 1 listener, Topo single-acceptor with 1 worker, each Topo server once on epoll and once on
# io_uring (`@io_uring`). Afterwards wrk runs each server flat out, keep-alive and Connection: close, and strace counts
# each server's system calls over SYSCALL_CONNS new connections (one request each): the system calls one connection
# costs, all threads included.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-15}
KA_RATE=${KA_RATE:-20000}
CLOSE_RATE=${CLOSE_RATE:-6000}
SYSCALL_CONNS=${SYSCALL_CONNS:-2000}
JAVA=${JAVA:-java}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
# loadgen: Topo's own open-loop client (one global schedule, exact rate); hey: a Go client, rate per worker.
CLIENT=${CLIENT:-loadgen}
ALL_SERVERS="nginx netty-hello topo-reuseport topo-single topo-reuseport@io_uring topo-single@io_uring"
SERVERS=${SERVERS:-$ALL_SERVERS}
SCENARIOS=${SCENARIOS:-keepalive close}
EXTRAS=${EXTRAS:-1}
work=$(mktemp -d /tmp/topo-bench.XXXXXX)
pids=()

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

install_missing() {
    local missing=()
    command -v nginx >/dev/null || missing+=(nginx)
    command -v hey >/dev/null || missing+=(hey)
    command -v wrk >/dev/null || missing+=(wrk)
    if ((${#missing[@]})); then
        echo "installing ${missing[*]}" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_nginx() {
    mkdir -p "$work/nginx/logs"
    cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:18090 backlog=1024;
        location / { default_type text/plain; return 200 "Hello, World!"; }
    }
}
CONF
    taskset -c "$SERVER_CPU" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
    started nginx 18090 $!
}

# Records server $1, listening on port $2, as process $3.
started() {
    pids+=("$3")
    port[$1]=$2
    pid[$1]=$3
}

# $1 name, $2 port, $3 the topology lines of its YAML, $4 the jar (default: this build's).
start_topo() {
    local name=$1 jar=${4:-$root/server/target/topo-server.jar}
    printf 'bind: {host: 127.0.0.1, port: %s}\n%s\nadmin: {enabled: false}\n' "$2" "$3" > "$work/$name.yaml"
    taskset -c "$SERVER_CPU" "$JAVA" -jar "$jar" --config "$work/$name.yaml" 2> "$work/$name.log" &
    started "$name" "$2" $!
}

start_netty() {
    taskset -c "$SERVER_CPU" "$JAVA" -Dio.netty.leakDetection.level=disabled \
        -cp "$root/server/target/topo-server.jar" "$root/bench/NettyHelloWorld.java" 18089 \
        2> "$work/netty-hello.log" &
    started netty-hello 18089 $!
}

# The rate offered in scenario $1.
rate_of() { [[ $1 == close ]] && echo "$CLOSE_RATE" || echo "$KA_RATE"; }

# Answered requests (2xx only): hey prints "[200]	N responses", the loadgen "Status: 2xx N".
answered() {
    if [[ $CLIENT == hey ]]; then
        awk '/\[200\]/ {print $2}' "$1" | head -1
    else
        awk '/Status:/ {for (i = 1; i < NF; i++) if ($i == "2xx") print $(i + 1)}' "$1" | head -1
    fi
}

# Offers $rate for $secs to $url; keepalive or close (a new connection per request).
offer() {
    local url=$1 scenario=$2 rate=$3 secs=$4
    if [[ $CLIENT == hey ]]; then
        local conc=50 flags=()
        [[ $scenario == close ]] && conc=30 && flags=(-disable-keepalive)
        taskset -c "$CLIENT_CPU" hey -z "${secs}s" -c "$conc" -q "$((rate / conc))" "${flags[@]}" "$url"
    else
        local flags=(-c 50)
        [[ $scenario == close ]] && flags=(-c 64 --connection-mode per-request)
        taskset -c "$CLIENT_CPU" "$JAVA" -jar "$root/loadgen/target/topo-loadgen.jar" "$url" -q -t 1 --warmup 0s \
            -R "$rate" -d "${secs}s" "${flags[@]}"
    fi
}

# One measured run: prints "achieved_rate cpu_percent us_per_request". The client was warmed up separately, so the
# whole run is the measurement window of the server's CPU. The achieved rate is the client's own (both print
# "Requests/sec:"): answered / wall time would count the client process's start-up as time the server failed to
# fill, and read ~19k of 20k offered for every server.
measure() {
    local name=$1 scenario=$2 out=$work/run.out rate
    rate=$(rate_of "$scenario")
    local before after t0 t1 n reported
    before=$(ticks "${pid[$name]}")
    t0=$(date +%s.%N)
    offer "http://127.0.0.1:${port[$name]}/" "$scenario" "$rate" "$SECONDS_PER_RUN" > "$out" 2>&1 || true
    t1=$(date +%s.%N)
    after=$(ticks "${pid[$name]}")
    n=$(answered "$out")
    reported=$(awk '/Requests\/sec/ {print $2}' "$out" | head -1)
    awk -v n="${n:-0}" -v r="${reported:-0}" -v d="$((after - before))" -v hz="$(getconf CLK_TCK)" -v t0="$t0" \
        -v t1="$t1" 'BEGIN {
        secs = t1 - t0; cpu = d / hz
        printf "%.0f %.1f %.2f\n", r, 100 * cpu / secs, (n > 0 ? cpu * 1e6 / n : 0)
    }'
}

install_missing
for module in server loadgen; do
    if [[ ! -f $root/$module/target/topo-$module.jar ]]; then
        (cd "$root" && mvn -B -q -pl "$module" -am package -DskipTests)
    fi
done

declare -A port pid
start_nginx
# Topo's servers: port and the topology lines of their YAML; SERVERS picks which run.
declare -A yaml=(
    [topo-reuseport]="topology: {kind: reuseport, listeners: 1, workersPerListener: 0}"
    [topo-single]="topology: {kind: single-acceptor, workers: 1}"
    [topo-reuseport@io_uring]="transport: io_uring
topology: {kind: reuseport, listeners: 1, workersPerListener: 0}"
    [topo-single@io_uring]="transport: io_uring
topology: {kind: single-acceptor, workers: 1}"
)
declare -A topo_port=([topo-reuseport]=18091 [topo-single]=18092 [topo-reuseport@io_uring]=18093
    [topo-single@io_uring]=18094)
servers=(nginx)
if [[ " $SERVERS " == *" netty-hello "* ]]; then
    start_netty
    servers+=(netty-hello)
fi
for s in $ALL_SERVERS; do
    [[ $s == nginx || $s == netty-hello || " $SERVERS " != *" $s "* ]] && continue
    start_topo "$s" "${topo_port[$s]}" "${yaml[$s]}"
    servers+=("$s")
    if [[ -n ${BASE_JAR:-} ]]; then
        start_topo "$s+base" "$((topo_port[$s] + 100))" "${yaml[$s]}" "$BASE_JAR"
        servers+=("$s+base")
    fi
done
for s in "${servers[@]}"; do wait_http "${port[$s]}"; done

echo "warm-up: ${WARMUP_SECONDS}s of the same mix per server (client: $CLIENT)" >&2
read -r -a scenarios <<<"$SCENARIOS"
share=$(((WARMUP_SECONDS + ${#scenarios[@]} - 1) / ${#scenarios[@]}))
for s in "${servers[@]}"; do
    for scenario in "${scenarios[@]}"; do
        offer "http://127.0.0.1:${port[$s]}/" "$scenario" "$(rate_of "$scenario")" "$share" >/dev/null 2>&1 || true
    done
done

declare -A results
for run in $(seq 1 "$RUNS"); do
    for scenario in "${scenarios[@]}"; do
        for s in "${servers[@]}"; do
            r=$(measure "$s" "$scenario")
            echo "run $run $scenario $s: $r (req/s cpu% us/req)" >&2
            results[$s,$scenario]+="$r"$'\n'
        done
    done
done

echo
echo "Offered: keep-alive ${KA_RATE} req/s, connection-per-request ${CLOSE_RATE} conn/s; ${RUNS} runs x" \
    "${SECONDS_PER_RUN}s; server on CPU ${SERVER_CPU}, client ($CLIENT) on CPU ${CLIENT_CPU}; medians."
printf '%-29s %-10s %10s %8s %10s %14s\n' server scenario req/s cpu% us/req ratio-vs-nginx
for scenario in "${scenarios[@]}"; do
    base=$(printf '%s' "${results[nginx,$scenario]}" | awk 'NF {print $3}' | median)
    for s in "${servers[@]}"; do
        rows=${results[$s,$scenario]}
        rate=$(printf '%s' "$rows" | awk 'NF {print $1}' | median)
        cpu=$(printf '%s' "$rows" | awk 'NF {print $2}' | median)
        us=$(printf '%s' "$rows" | awk 'NF {print $3}' | median)
        printf '%-29s %-10s %10s %8s %10s %14s\n' "$s" "$scenario" "$rate" "$cpu" "$us" \
            "$(awk -v a="$us" -v b="$base" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
    done
done

((EXTRAS)) || exit 0
echo
echo "wrk flat out (wrk -t1 -c64 -d${SECONDS_PER_RUN}s on CPU ${CLIENT_CPU}), req/s:"
printf '%-29s %12s %18s\n' server keep-alive "Connection: close"
for s in "${servers[@]}"; do
    ka=$(taskset -c "$CLIENT_CPU" wrk -t1 -c64 -d"${SECONDS_PER_RUN}s" "http://127.0.0.1:${port[$s]}/" \
        | awk '/Requests\/sec/ {print $2}')
    cl=$(taskset -c "$CLIENT_CPU" wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -H 'Connection: close' \
        "http://127.0.0.1:${port[$s]}/" | awk '/Requests\/sec/ {print $2}')
    printf '%-29s %12s %18s\n' "$s" "$ka" "$cl"
done

# System calls per connection: strace -c on every thread of the server while SYSCALL_CONNS connections each send one
# request and close (the loadgen in per-request mode, at 1000/s). strace slows the server, not what it calls.
syscalls() {
    local name=$1 out=$work/strace.$1 args=() tid
    for tid in $(ls "/proc/${pid[$name]}/task"); do args+=(-p "$tid"); done
    strace -c -f -o "$out" "${args[@]}" 2>/dev/null &
    local tracer=$!
    sleep 1
    offer "http://127.0.0.1:${port[$name]}/" close 1000 "$((SYSCALL_CONNS / 1000))" > "$work/sys.out" 2>&1 || true
    local n
    n=$(answered "$work/sys.out")
    kill -INT "$tracer"
    wait "$tracer" 2>/dev/null || true
    # strace -c: "% time seconds usecs/call calls [errors] syscall"; the calls column is the 4th.
    awk -v n="${n:-0}" -v name="$name" '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" {c[$NF] = $4; t += $4}
        END {
            if (n == 0) { printf "%-29s no connection answered\n", name; exit }
            top = ""
            for (k = 0; k < 6; k++) {
                best = ""; for (s in c) if (best == "" || c[s] > c[best]) best = s
                if (best == "") break
                top = top sprintf(" %s %.2f", best, c[best] / n); delete c[best]
            }
            printf "%-29s %6d %10.2f  %s\n", name, n, t / n, top
        }' "$out"
}

echo
echo "System calls per connection (strace -c -f, all threads, ${SYSCALL_CONNS} connections of one request each):"
printf '%-29s %6s %10s  %s\n' server conns calls/conn "top calls per connection"
for s in "${servers[@]}"; do syscalls "$s"; done
