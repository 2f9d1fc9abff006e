#!/usr/bin/env bash
# Server memory with many idle keep-alive connections: RSS of a reuseport server (default settings) before and after
# CONNS connections that each sent one request and then stay open, idle.
#
#   bash bench/idle-rss.sh                       # 10 000 connections, epoll then io_uring
#   CONNS=2000 TRANSPORTS=io_uring bash bench/idle-rss.sh
#
# The goal of issue 12 is at most 128 MB with 10 000 connections. The defaults allow exactly 10 000
# (limits.maxConnections) and close idle connections after 60 s, so the connections are opened and measured well
# within that.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
CONNS=${CONNS:-10000}
TRANSPORTS=${TRANSPORTS:-epoll io_uring}
JAVA=${JAVA:-java}
PORT=${PORT:-18095}
work=$(mktemp -d /tmp/topo-rss.XXXXXX)
server=
cleanup() {
    [[ -n $server ]] && kill "$server" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -f $root/server/target/topo-server.jar ]]; then
    (cd "$root" && mvn -B -q -pl server -am package -DskipTests)
fi
ulimit -n "$(ulimit -Hn)"

rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

printf '%-10s %8s %12s %12s %14s\n' transport conns "rss idle MB" "rss open MB" "KB/connection"
for transport in $TRANSPORTS; do
    cat > "$work/server.yaml" <<YAML
bind: {host: 127.0.0.1, port: $PORT}
transport: $transport
topology: {kind: reuseport}
admin: {enabled: false}
YAML
    "$JAVA" -jar "$root/server/target/topo-server.jar" --config "$work/server.yaml" > "$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do grep -q "topo ready" "$work/server.log" && break; sleep 0.1; done
    sleep 2
    before=$(rss_mb "$server")
    # The client: CONNS sockets, one request each (so every connection has a channel, a pipeline and a served
    # request behind it), then held open while the server's RSS is read.
    python3 - "$PORT" "$CONNS" "$work/ready" <<'PY' &
import socket, sys, time
port, n, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
conns = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    conns.append(s)
ok = 0
for s in conns:
    s.settimeout(10)
    if s.recv(4096).startswith(b"HTTP/1.1 200"):
        ok += 1
open(ready, "w").write(str(ok))
time.sleep(30)
PY
    client=$!
    for _ in $(seq 1 600); do [[ -s $work/ready ]] && break; sleep 0.1; done
    sleep 2
    after=$(rss_mb "$server")
    ok=$(cat "$work/ready" 2>/dev/null || echo 0)
    printf '%-10s %8s %12s %12s %14s\n' "$transport" "$ok" "$before" "$after" \
        "$(awk -v a="$after" -v b="$before" -v n="$ok" 'BEGIN {printf "%.1f", (n > 0 ? (a - b) * 1024 / n : 0)}')"
    kill "$client" 2>/dev/null || true
    wait "$client" 2>/dev/null || true
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=
    rm -f "$work/ready"
done
