# shellcheck shell=bash disable=SC2034,SC2015 # variables for the tests; A && B || bad is meant
# hostile.sh: helpers for the hostile-hub suite (issue 15), sourced after tests/e2e/lib.sh by
# tests/e2e/test_hostile_*.sh. The hub is tests/hostile/hub.py (python3 stdlib); see its header
# for the cases. Each case of a test is a named check that prints PASS or FAIL with its reasons;
# the test exits 1 if any failed. Environment:
#   HOSTILE_ONLY=REGEX   run only the cases whose name matches (e.g. HOSTILE_ONLY='^redir-hc')
#   HOSTILE_SKIP=REGEX   skip the cases whose name matches
#   HOSTILE_VERBOSE=1    print every case's output, not only the failures'

HOSTILE_PY=$E2E_ROOT/tests/hostile/hub.py
HOSTILE_DIR=$E2E_TMP/hostile
mkdir -p "$HOSTILE_DIR/runs"
HOSTILE_PASSED=0
HOSTILE_FAILED=()
HOSTILE_RECAP=() # "NAME: first reason", printed again at the end (run.sh shows a log's tail)
HOSTILE_SKIPPED=0
CASE='' CASE_WHY=() CASE_ASAN=0

# hub_start: tests/hostile/hub.py on free loopback ports. Sets HP (hub), OP (another port), V6P
# ([::1], 0 without IPv6), XP (the would-be proxy), HUB=http://127.0.0.1:HP.
hub_start() {
    "$PY" "$HOSTILE_PY" serve "$HOSTILE_DIR" >"$HOSTILE_DIR/serve.out" 2>&1 &
    E2E_BG_PIDS+=("$!")
    wait_until 10 test -s "$HOSTILE_DIR/ports.json" ||
        fail "the hostile hub did not start: $(cat "$HOSTILE_DIR/serve.out")"
    local p
    p=$(cat "$HOSTILE_DIR/ports.json")
    HP=$(json_get "$p" hub) OP=$(json_get "$p" other) V6P=$(json_get "$p" v6) XP=$(json_get "$p" proxy)
    HUB=http://127.0.0.1:$HP
    log "hostile hub $HUB; other origin :$OP; [::1]:$V6P; proxy :$XP"
    # The checks' helper, one process for the whole test (a Python start-up per check is slow).
    coproc HAGENT { exec "$PY" "$HOSTILE_PY" agent "$HOSTILE_DIR"; }
    E2E_BG_PIDS+=("$HAGENT_PID")
}

# agent ARG...: one request to hub.py's agent (one argument a line); the answer in AGENT_REPLY.
# Status 1 if the agent answered ERR.
agent() {
    local a
    { printf '%d\n' $#; for a in "$@"; do printf '%s\n' "$a"; done; } >&"${HAGENT[1]}"
    IFS= read -r -t 600 AGENT_REPLY <&"${HAGENT[0]}" || AGENT_REPLY="ERR the agent did not answer"
    case $AGENT_REPLY in
    OK*) AGENT_REPLY=${AGENT_REPLY#OK}; AGENT_REPLY=${AGENT_REPLY# }; return 0 ;;
    *) return 1 ;;
    esac
}

# q TAG EXPR [ARG...]: the Python EXPR over the requests the hub logged for TAG (reqs; hub: those
# that reached the hub's own origin; foreign: the others; notes: the hub's own notes; args),
# in Q. Checks run in the test's shell without forking: a fork costs tens of ms on a busy box.
q() {
    if agent q "$@"; then
        Q=$AGENT_REPLY
    else
        echo "hostile: query failed: $AGENT_REPLY ($2)" >&2
        Q='?'
    fi
}
# qp: the same, printed.
qp() {
    q "$@"
    printf '%s\n' "$Q"
}

# asan_count: how many sanitizer logs there are, in ASAN_N.
asan_count() {
    local f=("$E2E_TMP"/asan*)
    ASAN_N=0
    [ -e "${f[0]}" ] && ASAN_N=${#f[@]}
    return 0
}

# ---- named checks --------------------------------------------------------------------------

# run_case NAME FUNCTION [ARGS...]: one named check. FUNCTION runs hubdesk (hd) and records
# what is wrong with bad; the verdict is printed here.
run_case() {
    local name=$1
    shift
    if [ -n "${HOSTILE_ONLY:-}" ] && ! [[ $name =~ $HOSTILE_ONLY ]]; then
        HOSTILE_SKIPPED=$((HOSTILE_SKIPPED + 1))
        return 0
    fi
    if [ -n "${HOSTILE_SKIP:-}" ] && [[ $name =~ $HOSTILE_SKIP ]]; then
        HOSTILE_SKIPPED=$((HOSTILE_SKIPPED + 1))
        return 0
    fi
    asan_count
    CASE=$name CASE_WHY=() CASE_ASAN=$ASAN_N RUN_OUT='' RUN_ERR='' RUN_STATS=''
    local t0=${EPOCHREALTIME/./}
    "$@"
    case_verdict "$t0"
}

bad() { CASE_WHY+=("$*"); }

case_verdict() {
    local now=${EPOCHREALTIME/./} why
    local ms=$(((now - $1) / 1000))
    asan_count
    [ "$ASAN_N" = "$CASE_ASAN" ] || bad "a sanitizer report (see below)"
    # UBSan may print on stderr in spite of log_path: what the test runner looks for.
    if [ -n "${RUN_ERR:-}" ] && [ -f "$RUN_ERR" ] &&
        agent grep '' 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer' "$RUN_ERR" "${RUN_OUT:-/dev/null}" &&
        [ "${AGENT_REPLY:0:1}" = 1 ]; then
        bad "a sanitizer report: ${AGENT_REPLY:2}"
    fi
    if [ ${#CASE_WHY[@]} = 0 ]; then
        HOSTILE_PASSED=$((HOSTILE_PASSED + 1))
        printf 'PASS %-44s %5d ms\n' "$CASE" "$ms" >&2
        [ "${HOSTILE_VERBOSE:-0}" = 1 ] && case_dump
    else
        HOSTILE_FAILED+=("$CASE")
        HOSTILE_RECAP+=("$CASE: ${CASE_WHY[0]}${CASE_WHY[1]:+ (+$((${#CASE_WHY[@]} - 1)) more)}")
        printf 'FAIL %-44s %5d ms\n' "$CASE" "$ms" >&2
        for why in "${CASE_WHY[@]}"; do
            printf '     - %s\n' "$why" >&2
        done
        case_dump
        [ "$ASAN_N" = "$CASE_ASAN" ] || asan_report
    fi
}

# The last run's output, made safe to print (controls shown as \xNN).
case_dump() {
    [ -n "${RUN_OUT:-}" ] || return 0
    agent dump "$RUN_OUT" "${RUN_ERR:-/dev/null}" "$HOSTILE_DIR/dump" && cat "$HOSTILE_DIR/dump" >&2
    [ -n "${RUN_STATS:-}" ] && [ -s "$RUN_STATS" ] && echo "     run| $(cat "$RUN_STATS")" >&2
    return 0
}

# hostile_summary: the totals; exits 1 if a case failed.
hostile_summary() {
    local n=${#HOSTILE_FAILED[@]} r
    log "hostile: $HOSTILE_PASSED passed, $n failed, $HOSTILE_SKIPPED skipped"
    if [ "$n" -gt 0 ]; then
        echo "--- failed cases (details above) ---" >&2
        for r in "${HOSTILE_RECAP[@]}"; do
            printf '  %s\n' "${r:0:160}" >&2
        done
        echo "FAIL [$E2E_NAME $E2E_BUILD]: hostile cases failed: ${HOSTILE_FAILED[*]}" >&2
        exit 1
    fi
}

# ---- running hubdesk -------------------------------------------------------------------------

# hd TAG TIMEOUT [--stdin FILE] [--stop RE] [--bg] [VAR=VALUE...] -- ARGS...: runs hubdesk ARGS
# (the environment plus VAR=VALUE) bounded by TIMEOUT seconds (times E2E_SCALE); --stop ends
# it (SIGTERM) as soon as its output matches RE. Sets RUN_OUT, RUN_ERR, RUN_STATS and, unless
# --bg (then BG_PID), RC (the exit status, 128+N for a signal), ELAPSED, TIMED_OUT, STOPPED,
# MAXRSS (KiB).
hd() {
    local tag=$1 timeout=$2 opts=() envs=() bg=0
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        case $1 in
        --stdin) opts+=(--stdin "$2"); shift 2 ;;
        --stop) opts+=(--stop-on-re "$2"); shift 2 ;;
        --bg) bg=1; shift ;;
        *) envs+=("$1"); shift ;;
        esac
    done
    shift
    local base=$HOSTILE_DIR/runs/$tag
    RUN_OUT=$base.out RUN_ERR=$base.err RUN_STATS=$base.stats
    local t=$((${timeout%.*} * E2E_SCALE))
    if [ "$bg" = 1 ]; then
        "$PY" "$HOSTILE_PY" run --timeout "$t" "${opts[@]}" "$RUN_OUT" "$RUN_ERR" "$RUN_STATS" -- \
            env "${envs[@]}" "$HUBDESK_BIN" "$@" &
        BG_PID=$!
        E2E_BG_PIDS+=("$BG_PID")
        return 0
    fi
    agent run --timeout "$t" "${opts[@]}" "$RUN_OUT" "$RUN_ERR" "$RUN_STATS" -- \
        env "${envs[@]}" "$HUBDESK_BIN" "$@" || fail "hostile: the run failed: $AGENT_REPLY"
    read -r RC ELAPSED TIMED_OUT STOPPED MAXRSS <<<"$AGENT_REPLY"
}

# read_stats: RC, ELAPSED, TIMED_OUT, STOPPED, MAXRSS from RUN_STATS (a --bg run's).
read_stats() {
    agent stats "$RUN_STATS" "$RUN_OUT" "$RUN_ERR" || AGENT_REPLY="-1 0 0 0 0"
    read -r RC ELAPSED TIMED_OUT STOPPED MAXRSS <<<"$AGENT_REPLY"
}

# ---- assertions on the last run (each records a reason with bad) -------------------------------

a_no_hang() {
    [ "$TIMED_OUT" = 0 ] || bad "still running after ${ELAPSED}s: killed (a hang)"
}
a_no_crash() {
    # SIGTERM is the runner's own after --stop or a timeout.
    [ "$RC" -lt 128 ] || { [ "$RC" = 143 ] && [ "$STOPPED$TIMED_OUT" != 00 ]; } ||
        bad "killed by signal $((RC - 128)) (a crash)"
}
# a_rc CODE...: the exit status is one of CODE.
a_rc() {
    local c
    for c in "$@"; do
        [ "$RC" = "$c" ] && return 0
    done
    bad "exit $RC, want ${*// / or }"
}
a_rc_fail() {
    [ "$RC" != 0 ] || bad "exit 0, want a failure"
    a_no_crash
}
# A failure says why in one "hubdesk:" line first on stderr (indented details may follow).
a_one_line() {
    agent oneline "$RUN_ERR" || bad "hostile: oneline: $AGENT_REPLY"
    [ -z "$AGENT_REPLY" ] || bad "stderr should start with one 'hubdesk:' line (README, exit codes): $AGENT_REPLY"
}
# found FLAGS RE FILE...: 0 if a line of a FILE matches the Python regex RE (FLAGS i: any case);
# the first such line in FOUND.
found() {
    agent grep "$@" || { bad "hostile: grep: $AGENT_REPLY"; return 2; }
    FOUND=${AGENT_REPLY:2}
    [ "${AGENT_REPLY:0:1}" = 1 ]
}
# a_err RE [WHAT]: a line of stderr matches RE (any case).
a_err() { found i "$1" "$RUN_ERR" || bad "stderr lacks /$1/${2:+ ($2)}"; }
a_out() { found i "$1" "$RUN_OUT" || bad "stdout lacks /$1/${2:+ ($2)}"; }
# a_none RE [WHAT]: no line of stdout or stderr matches RE.
a_none() {
    if found i "$1" "$RUN_OUT" "$RUN_ERR"; then
        bad "output has /$1/${2:+ ($2)}: ${FOUND:0:120}"
    fi
}
# Neither output holds a raw control character (ESC, BEL, C1...): what a hub sent is shown
# sanitized, and JSON escapes it.
a_clean() {
    agent clean "$RUN_OUT" "$RUN_ERR" || bad "hostile: clean: $AGENT_REPLY"
    [ -z "$AGENT_REPLY" ] || bad "a raw control character reached the output: $AGENT_REPLY"
}
# With --json, every stdout line is a JSON object.
a_json_lines() {
    agent jsonlines "$RUN_OUT" || bad "hostile: jsonlines: $AGENT_REPLY"
    [ -z "$AGENT_REPLY" ] || bad "stdout: $AGENT_REPLY"
}
# a_no_foreign TAG: no request of TAG reached another origin (another port, host name or the
# proxy).
a_no_foreign() {
    q "$1" 'len(foreign)'
    [ "$Q" = 0 ] && return 0
    bad "another origin got $Q request(s): $(qp "$1" '"; ".join("%s %s %s%s (Host %s) body %d bytes%s%s" % (r.get("listener"), r.get("method", "CONNECT"), "" if r.get("path") is None else r["path"][:60], "", r.get("host"), r.get("body_len", 0), ", with Authorization" if r.get("auth") else "", ", with X-Api-Key" if (r.get("headers") or {}).get("x-api-key") else "") for r in foreign[:3])')"
}
# a_no_secret_foreign TAG SECRET...: no request to another origin carries a SECRET (in any
# header or the body) or an Authorization / X-Api-Key header.
a_no_secret_foreign() {
    local tag=$1 s
    shift
    q "$tag" 'len([r for r in foreign if r.get("auth") or (r.get("headers") or {}).get("x-api-key")])'
    [ "$Q" = 0 ] || bad "$Q request(s) to another origin carry Authorization or X-Api-Key"
    for s in "$@"; do
        q "$tag" 'len([r for r in foreign if args[0] in json.dumps(r)])' "$s"
        [ "$Q" = 0 ] || bad "a secret (…${s: -6}) went to another origin ($Q request(s))"
    done
}
# a_hub_requests TAG MIN MAX: the hub's own origin got MIN..MAX requests of TAG.
a_hub_requests() {
    q "$1" 'len(hub)'
    [ "$Q" -ge "$2" ] && [ "$Q" -le "$3" ] || bad "the hub got $Q request(s) of $1, want $2..$3"
}
# a_waits MIN_MS MAX_MS: every wait printed in a --json "waiting" event is within MIN..MAX ms,
# and no text says a negative wait.
a_waits() {
    agent waits "$RUN_OUT" "$1" "$2" || bad "hostile: waits: $AGENT_REPLY"
    [ -z "$AGENT_REPLY" ] || bad "$AGENT_REPLY"
    a_none 'waiting -[0-9]|in -[0-9]+ s' "a negative wait"
}
# a_retry_gaps TAG MIN_S [METHOD]: consecutive requests of TAG (only METHOD ones if given) to
# the hub are MIN_S seconds apart or more (a Retry-After honoured, never a retry at once).
a_retry_gaps() {
    local sel='[r for r in hub if not args[1] or r["method"] == args[1]]'
    q "$1" '"%.3f" % min([b["t"] - a["t"] for a, b in zip('"$sel"', '"$sel"'[1:])] or [99])' "$2" "${3:-}"
    local g=$Q
    q "$1" 'int(min([b["t"] - a["t"] for a, b in zip('"$sel"', '"$sel"'[1:])] or [99]) >= float(args[0]))' "$2" "${3:-}"
    [ "$Q" = 1 ] ||
        bad "retried $g s after a 429 whose Retry-After it could not honour (want a wait of $2 s or more, or no retry)"
}
