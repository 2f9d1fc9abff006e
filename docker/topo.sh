#!/bin/bash
# Entry point of the Topo image, installed as /usr/local/bin/topo.
#
#   topo [server] [SERVER-OPTIONS...] run the server (the default; "serve" works too)
#   topo check [SERVER-OPTIONS...]    validate the config and print it
#   topo load URL [LOADGEN-OPTIONS...] run the load generator
#   topo health                       exit 0 when the admin /healthz answers 200
#   topo COMMAND...                   anything else is exec'd as is (e.g. bash)
#
# Config, first match wins:
#   --config/-c FILE on the command line
#   TOPO_CONFIG=FILE
#   TOPO_TOPOLOGY=KIND  -> $TOPO_HOME/config/KIND.yaml, one of the bundled files
#   /etc/topo/topo.yaml -> mount your own file here
# The explicit environment beats the default path so that an image started with
# TOPO_TOPOLOGY=reuseport never silently runs the baked-in default instead.
set -euo pipefail

TOPO_HOME=${TOPO_HOME:-/opt/topo}
DEFAULT_CONFIG=/etc/topo/topo.yaml

# Word splitting of JAVA_OPTS is wanted (it holds several flags); read -a does it
# without globbing. Netty loads its epoll library with System.loadLibrary, which
# JDK 24+ warns about on every start unless native access is granted; kept out of
# JAVA_OPTS so that overriding JAVA_OPTS does not bring the warning back. So are
# the memory defaults of ../topo (an idle server gives back the heap and native
# memory it no longer uses; nothing under load): JAVA_OPTS comes after and wins.
read -r -a java_opts <<<"${JAVA_OPTS:-}"
java_opts=(--enable-native-access=ALL-UNNAMED -XX:G1PeriodicGCInterval=15000
    -XX:TrimNativeHeapInterval=5000 "${java_opts[@]}")

die() { echo "topo: $*" >&2; exit 2; }

has_option() {
    local name=$1 arg; shift
    for arg in "$@"; do
        [[ $arg == "$name" || $arg == "$name="* ]] && return 0
    done
    return 1
}

resolve_config() {
    if [ -n "${TOPO_CONFIG:-}" ]; then
        echo "$TOPO_CONFIG"
    elif [ -n "${TOPO_TOPOLOGY:-}" ]; then
        local f="$TOPO_HOME/config/$TOPO_TOPOLOGY.yaml"
        if [ ! -f "$f" ]; then
            local have
            have=$(cd "$TOPO_HOME/config" && ls -1 *.yaml 2>/dev/null | grep -vx 'scenarios.yaml' | sed 's/\.yaml$//' | paste -sd, -)
            die "TOPO_TOPOLOGY=$TOPO_TOPOLOGY has no bundled config (bundled: $have)"
        fi
        echo "$f"
    else
        echo "$DEFAULT_CONFIG"
    fi
}

server() {
    local args=()
    if ! has_option --config "$@" && ! has_option -c "$@"; then
        local config
        config=$(resolve_config)
        [ -r "$config" ] || die "config $config is not readable"
        echo "topo: config $config${TOPO_TOPOLOGY:+ (TOPO_TOPOLOGY=$TOPO_TOPOLOGY)}" >&2
        args+=(--config "$config")
    fi
    # The server's admin default is loopback, which nothing outside the container
    # (kubelet probes, Prometheus, published ports) can reach. TOPO_ADMIN_HOST
    # narrows it again; set it empty to let the YAML's admin.host decide.
    if ! has_option --admin-host "$@" && [ -n "${TOPO_ADMIN_HOST-0.0.0.0}" ]; then
        args+=(--admin-host "${TOPO_ADMIN_HOST-0.0.0.0}")
    fi
    # HEALTHCHECK, EXPOSE and probes must know the admin port, so in the image
    # TOPO_ADMIN_PORT (default 9090) is its single source and beats admin.port.
    if ! has_option --admin-port "$@" && [ -n "${TOPO_ADMIN_PORT:-}" ]; then
        args+=(--admin-port "$TOPO_ADMIN_PORT")
    fi
    # Recorded when the image was built (see the Dockerfile); workers inherit the option. TOPO_CDS=0: none.
    if [ -s "$TOPO_HOME/topo-server.aot" ] && [ "${TOPO_CDS:-1}" != 0 ]; then
        java_opts+=(-XX:AOTCache="$TOPO_HOME/topo-server.aot")
    fi
    exec java "${java_opts[@]}" -jar "$TOPO_HOME/topo-server.jar" "${args[@]}" "$@"
}

load() {
    [ -f "$TOPO_HOME/topo-loadgen.jar" ] || die "this image was built without the load generator"
    exec java "${java_opts[@]}" -jar "$TOPO_HOME/topo-loadgen.jar" "$@"
}

# One request over bash's /dev/tcp; only the status line matters.
health() {
    local port=${TOPO_ADMIN_PORT:-9090} status
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
    IFS= read -r -t 2 status <&3 || exit 1
    [[ $status == HTTP/1.[01]\ 200* ]] || { echo "unhealthy: $status" >&2; exit 1; }
}

cmd=${1:-serve}
case "$cmd" in
    serve | server) shift || true; server "$@" ;;
    check) shift; server --check "$@" ;;
    load) shift; load "$@" ;;
    health) health ;;
    -*) server "$@" ;;
    *) exec "$@" ;;
esac
