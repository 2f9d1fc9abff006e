#!/usr/bin/env bash
# How long a server JVM takes to serve, without and with the class cache the ./topo launcher records (a class-data
# sharing archive, or an AOT cache on JDK 25+; workers and per-connection children inherit it), in one run:
#   server        JVM start to ready of a single-process server (reuseport), from its ready line
#   worker        the same for a process-reuseport worker JVM (two start together)
#   replacement   SIGKILL of a worker until the master logs its slot serving again (no standby worker)
#   child TTFB    a new connection to process-per-connection until its first response byte (a JVM per connection)
# Server on CPU 0, curl on CPU 1; RUNS of each, medians.
#   bash bench/startup.sh          # RUNS=5 JAVA=java
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
JAVA=${JAVA:-java}
RUNS=${RUNS:-5}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=18097
ADMIN=19097
work=$(mktemp -d /tmp/topo-startup.XXXXXX)
server_pid=
# Each step may find nothing to do; under set -e a failed one would end the trap, and the script, with status 1.
trap '[[ -z $server_pid ]] || kill -9 "$server_pid" 2>/dev/null || true; pkill -9 -f "$work" 2>/dev/null || true
    rm -rf "$work"' EXIT

# Builds the jar and records the cache for this java binary, as a user's first ./topo server does.
(cd "$root" && JAVA=$JAVA ./topo server --version >/dev/null)
java_version=$("$JAVA" -version 2>&1 | sed -n 1p)
# JDK 25+ records an AOT cache, older ones a class-data sharing archive.
[[ $("$JAVA" -XX:+PrintFlagsFinal -version 2>/dev/null) == *AOTCache* ]] && label="AOT cache" || label="CDS archive"

start() { # $1 name, $2 topology, $3 TOPO_CDS (0: no cache, 1: the launcher's)
    local name=$1 topology=$2 cds=$3
    printf 'bind: {host: 127.0.0.1, port: %s}\nadmin: {host: 127.0.0.1, port: %s}\ndrainDelay: 0s\n' \
        "$PORT" "$ADMIN" >"$work/$name.yaml"
    printf 'drainTimeout: 2s\ntopology: %s\n' "$topology" >>"$work/$name.yaml"
    # Through the launcher, as users start it (it execs java: the pid is the JVM's).
    TOPO_CDS=$cds JAVA=$JAVA taskset -c "$SERVER_CPU" "$root/topo" server --config "$work/$name.yaml" \
        >"$work/$name.log" 2>&1 &
    server_pid=$!
}

stop() {
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
}

# The "(N ms since JVM start)" of ready lines: $1 log, $2 a pattern the lines must match.
since_start() {
    grep "topo ready" "$1" | grep -e "$2" | sed -n 's/.*(\([0-9]*\) ms since JVM start).*/\1/p'
}

measure() { # $1 label, $2 TOPO_CDS; prints one row
    local label=$1 cds=$2 server=() worker=() replacement=() ttfb=()
    for i in $(seq 1 "$RUNS"); do
        start "server-$i" "{kind: reuseport, listeners: 1}" "$cds"
        wait_for "grep -q 'topo ready' $work/server-$i.log" 60
        server+=("$(since_start "$work/server-$i.log" .)")
        stop

        start "workers-$i" "{kind: process-reuseport, processes: 2, listeners: 1, standbyWorkers: 0}" "$cds"
        wait_for "curl -fs http://127.0.0.1:$ADMIN/readyz" 60
        worker+=($(since_start "$work/workers-$i.log" '^\[worker'))
        victim=$(curl -fs "http://127.0.0.1:$ADMIN/topology" | jq -r '.workers[0].pid')
        t0=$(date +%s.%N)
        kill -9 "$victim"
        wait_for "grep -q 'serves slot 0 again' $work/workers-$i.log" 60
        at=$(grep -m1 "serves slot 0 again" "$work/workers-$i.log" | cut -d' ' -f1)
        replacement+=("$(awk -v a="$t0" -v b="$(date -d "$at" +%s.%N)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')")
        stop

        start "children-$i" "{kind: process-per-connection, maxChildren: 2}" "$cds"
        wait_for "curl -fs http://127.0.0.1:$ADMIN/readyz" 60
        ttfb+=("$(taskset -c "$CLIENT_CPU" curl -fs -o /dev/null -w '%{time_starttransfer}' \
            "http://127.0.0.1:$PORT/" | awk '{ printf "%.0f", $1 * 1000 }')")
        stop
    done
    printf '%-14s %14s %14s %16s %16s\n' "$label" "$(printf '%s\n' "${server[@]}" | median)" \
        "$(printf '%s\n' "${worker[@]}" | median)" "$(printf '%s\n' "${replacement[@]}" | median)" \
        "$(printf '%s\n' "${ttfb[@]}" | median)"
}

echo "# $(date -u +%F) start-up, $java_version, $RUNS runs, medians in ms"
printf '%-14s %14s %14s %16s %16s\n' "class cache" "server ready" "worker ready" "replacement" "child TTFB"
measure none 0
measure "$label" 1
