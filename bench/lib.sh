# Sourced by the bench scripts, never run: how they wait for a server and take a median, so that every script
# polls and summarises alike.

# wait_for CMD SECONDS [STEP]: runs CMD (a shell string) every STEP seconds (0.05) until it succeeds; after
# SECONDS, says what was not ready and fails.
wait_for() {
    local cmd=$1 seconds=$2 step=${3:-0.05} tries
    tries=$(awk -v s="$seconds" -v t="$step" 'BEGIN { printf "%d", s / t }')
    for _ in $(seq 1 "$tries"); do
        eval "$cmd" >/dev/null 2>&1 && return 0
        sleep "$step"
    done
    echo "not ready after $seconds s: $cmd" >&2
    return 1
}

# wait_http PORT [SECONDS] [STEP]: until something answers HTTP on 127.0.0.1:PORT, whatever the status.
wait_http() {
    wait_for "curl -s -o /dev/null http://127.0.0.1:$1/" "${2:-30}" "${3:-0.05}"
}

# median: of the numbers on standard input, one per line (blank lines skipped): the middle one, or the mean of the
# two middle ones; "?" when there are none.
median() {
    sort -g | awk 'NF { v[++n] = $1 } END { if (n == 0) print "?"; else if (n % 2) print v[(n + 1) / 2];
        else print (v[n / 2] + v[n / 2 + 1]) / 2 }'
}
