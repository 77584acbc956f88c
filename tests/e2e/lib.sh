# shellcheck shell=bash disable=SC2034,SC2016 # variables for the tests; eval strings expand later
# lib.sh: shared helpers for the end-to-end tests. Sourced by tests/e2e/test_*.sh:
#   source "$(dirname "$0")/lib.sh" "${1:-build}"
#
# Gives each test: a private temp dir, sandbox hubs on free loopback ports, a private tmux
# server, screen polling (never fixed long sleeps), QR checks with the project's pane_qr, JSON
# helpers (Debian's /usr/bin/python3), and under a sanitized build (BUILD_DIR contains "asan",
# or hubdesk is linked with libasan)
# a sanitizer log dir whose any file fails the test. Everything is cleaned up on every exit.
#
# Known bugs: `xfail MESSAGE` records a check that fails because of a bug already reported in
# the C code; it is printed as XFAIL and the test still passes, unless E2E_STRICT=1, which
# makes every XFAIL a failure (use it once the bug is fixed, then turn the xfail into fail).

set -u
set -o pipefail

E2E_BUILD=${1:-build}
E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E_NAME=$(basename "$0" .sh)
cd "$E2E_ROOT" || exit 1
case $E2E_BUILD in
/*) e2e_bdir=$E2E_BUILD ;;
*) e2e_bdir=$E2E_ROOT/$E2E_BUILD ;;
esac
# tests/run.sh exports these; a test run by hand derives them from BUILD_DIR.
HUBDESK_BIN=${HUBDESK_BIN:-$e2e_bdir/hubdesk}
HUBDESK_SANDBOX=${HUBDESK_SANDBOX:-$e2e_bdir/hubdesk-sandbox}
HUBDESK_TEST_TOOLS=${HUBDESK_TEST_TOOLS:-$e2e_bdir/tests}
PANE_QR=$HUBDESK_TEST_TOOLS/pane_qr
PY=/usr/bin/python3

for f in "$HUBDESK_BIN" "$HUBDESK_SANDBOX" "$PANE_QR"; do
    if [ ! -x "$f" ]; then
        echo "$E2E_NAME: $f is missing; build first (make BUILD=$E2E_BUILD all)" >&2
        exit 1
    fi
done
for f in tmux "$PY"; do
    command -v "$f" >/dev/null || { echo "$E2E_NAME: needs $f" >&2; exit 1; }
done

# A known, deterministic environment: UTF-8, no proxy, no hints that change the QR style.
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE XTERM_VERSION TERM_PROGRAM NO_COLOR COLORTERM HUBDESK_TOKEN TMUX TMUX_PANE
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hd-e2e.XXXXXX") || exit 1
# The journal of hub changes (hubdesk history) goes here, never to the user's real one; the
# tmux server started below inherits it.
export XDG_STATE_HOME=$E2E_TMP/state
E2E_CAP=$E2E_TMP/last.cap # last capture, raw (-p -e -N)
E2E_TXT=$E2E_TMP/last.txt # the same without escape sequences
: >"$E2E_CAP"
: >"$E2E_TXT"
E2E_SOCK=hd-e2e-$$
# tmux leaves its socket file behind when the server exits: removed on exit.
E2E_SOCK_PATH=${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$E2E_SOCK
E2E_SB_PIDS=()
E2E_BG_PIDS=()
E2E_XFAILS=0
E2E_START=$EPOCHREALTIME
SB_PID='' SB_URL='' SB_PORT='' SB_BASE='' SB_ERR=''

# Sanitized builds are slower: every timeout is scaled.
E2E_ASAN=0
E2E_SCALE=1
# Known by the binary itself, not only by the build directory's name (build/x SAN=1).
if [[ $E2E_BUILD == *asan* ]] || ldd "$HUBDESK_BIN" 2>/dev/null | grep -q 'libasan\.'; then
    E2E_ASAN=1
    E2E_SCALE=3
    root_supp=$E2E_ROOT/tests/lsan.supp
    # tests/run.sh sets these (its ASAN_OPTIONS may end in ':'); a test run by hand gets the same.
    e2e_asan=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
    e2e_ubsan=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    export ASAN_OPTIONS="${e2e_asan%:}:log_path=$E2E_TMP/asan"
    export UBSAN_OPTIONS="${e2e_ubsan%:}:log_path=$E2E_TMP/asan"
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root_supp:print_suppressions=0}
fi

log() { printf '[%s %5.1fs] %s\n' "$E2E_NAME" "$(e2e_elapsed)" "$*" >&2; }

e2e_elapsed() {
    local now=${EPOCHREALTIME/./} start=${E2E_START/./}
    local ms=$(((now - start) / 1000))
    printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# Milliseconds since the epoch, from bash itself (no fork).
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

asan_logs() { compgen -G "$E2E_TMP/asan*" >/dev/null; }

asan_report() {
    local f
    for f in "$E2E_TMP"/asan*; do
        [ -f "$f" ] || continue
        echo "--- sanitizer log $f ---" >&2
        head -n 60 "$f" >&2
    done
}

fail() {
    echo "FAIL [$E2E_NAME $E2E_BUILD]: $*" >&2
    echo "--- last capture (${E2E_CAP_SIZE:-?}) ---" >&2
    cat "$E2E_TXT" >&2
    echo "--- end of capture ---" >&2
    if [ -n "$SB_URL" ]; then
        echo "--- sandbox $SB_URL (pid $SB_PID); latest session:" >&2
        sb_req GET /_sandbox/sessions/latest >&2 || true
        echo >&2
        [ -s "$SB_ERR" ] && { echo "--- sandbox stderr:" >&2; tail -n 20 "$SB_ERR" >&2; }
    fi
    asan_report
    exit 1
}

# A check that fails because of a reported bug (see the header).
xfail() {
    if [ "${E2E_STRICT:-0}" = 1 ]; then
        fail "(known bug) $*"
    fi
    echo "XFAIL [$E2E_NAME $E2E_BUILD]: known bug: $*" >&2
    E2E_XFAILS=$((E2E_XFAILS + 1))
}

e2e_cleanup() {
    local rc=$? p i
    [ "$BASHPID" = "$$" ] || exit "$rc" # a subshell that caught a signal: the test cleans up
    trap - EXIT INT TERM
    tmux -L "$E2E_SOCK" -f /dev/null kill-server >/dev/null 2>&1
    rm -f "$E2E_SOCK_PATH"
    for p in "${E2E_BG_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${E2E_SB_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${E2E_BG_PIDS[@]}" "${E2E_SB_PIDS[@]}"; do
        for ((i = 0; i < 50; i++)); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    if [ "$rc" = 0 ] && asan_logs; then
        echo "FAIL [$E2E_NAME $E2E_BUILD]: sanitizer reports" >&2
        asan_report
        rc=1
    fi
    if [ "$rc" = 0 ] && [ "$E2E_XFAILS" -gt 0 ]; then
        log "passed with $E2E_XFAILS known-bug check(s) (XFAIL above)"
    fi
    rm -rf "$E2E_TMP"
    exit "$rc"
}
trap e2e_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Polls a command every 0.1 s until it succeeds or TIMEOUT seconds (scaled; may be 1.5) pass.
# Usage: wait_until TIMEOUT COMMAND [ARGS...]   returns 1 on timeout.
wait_until() {
    local timeout=$1 frac=000
    shift
    [[ $timeout == *.* ]] && frac=${timeout#*.}000
    local deadline=$(($(now_ms) + (${timeout%.*} * 1000 + 10#${frac:0:3}) * E2E_SCALE))
    while :; do
        "$@" && return 0
        [ "$(now_ms)" -ge "$deadline" ] && return 1
        sleep 0.1
    done
}

# ---- JSON (Debian's python3, json module) ----------------------------------------------------

# json_get JSON_TEXT FIELD: the field's value ('' for null or missing); objects as JSON.
json_get() {
    "$PY" -c '
import json, sys
v = json.loads(sys.argv[1]).get(sys.argv[2])
print("" if v is None else json.dumps(v) if isinstance(v, (dict, list)) else v)
' "$1" "$2"
}

# ---- sandbox hub ----------------------------------------------------------------------------

# sandbox_start [ARGS...]: starts hubdesk-sandbox on a free loopback port; sets SB_PID, SB_URL,
# SB_PORT, SB_BASE (the Keebai base URL). Sandboxes are stopped on exit.
sandbox_start() {
    local n=${#E2E_SB_PIDS[@]}
    local out=$E2E_TMP/sandbox$n.out
    SB_ERR=$E2E_TMP/sandbox$n.err
    "$HUBDESK_SANDBOX" --listen 127.0.0.1:0 "$@" >"$out" 2>"$SB_ERR" &
    SB_PID=$!
    E2E_SB_PIDS+=("$SB_PID")
    SB_URL=''
    wait_until 10 grep -q '^hubdesk-sandbox listening on ' "$out" ||
        fail "the sandbox did not start ($*): $(cat "$SB_ERR")"
    local line
    line=$(head -n 1 "$out")
    [[ $line =~ ^hubdesk-sandbox\ listening\ on\ (http://127\.0\.0\.1:([0-9]+))$ ]] ||
        fail "unexpected sandbox banner: $line"
    SB_URL=${BASH_REMATCH[1]}
    SB_PORT=${BASH_REMATCH[2]}
    SB_BASE=$SB_URL/keebai
    log "sandbox $SB_URL $*"
}

# Stops the current sandbox (SIGTERM, then waits; SIGKILL after 5 s).
sandbox_stop() {
    local p=$SB_PID i
    [ -n "$p" ] || return 0
    kill -TERM "$p" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
        kill -0 "$p" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    SB_PID='' SB_URL=''
}

# sb_req METHOD PATH: the sandbox's answer body on stdout; status 1 on HTTP errors.
sb_req() {
    "$PY" -c '
import sys, urllib.request, urllib.error
base, method, path = sys.argv[1:4]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
req = urllib.request.Request(base + path, method=method, data=b"" if method == "POST" else None)
try:
    with opener.open(req, timeout=5) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
    sys.exit(1)
except Exception as e:
    sys.stdout.write("request failed: %s" % e)
    sys.exit(2)
' "$SB_URL" "$1" "$2"
}

# sb_latest FIELD...: the latest session's fields, one per line ('' for null).
sb_latest() {
    local body
    body=$(sb_req GET /_sandbox/sessions/latest) || return 1
    "$PY" -c '
import json, sys
o = json.loads(sys.argv[1])
for k in sys.argv[2:]:
    v = o.get(k)
    print("" if v is None else v)
' "$body" "$@"
}

# new_qr_channel TIMEOUT: from the channel list, n (a new channel) and the QR mode: the
# console then shows the name screen.
new_qr_channel() {
    wait_for_screen 'Channels' "$1"
    keys n
    wait_for_screen 'How to link' 5
    keys Enter
}

sb_scan() { sb_req POST /_sandbox/sessions/latest/scan >/dev/null || fail "sandbox refused the scan"; }
sb_drop() { sb_req POST /_sandbox/sessions/latest/drop; }

# A free loopback TCP port that nobody listens on (bound, read, closed).
free_port() {
    "$PY" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# ---- tmux ----------------------------------------------------------------------------------

tmx() { tmux -L "$E2E_SOCK" -f /dev/null "$@"; }

# tmux_start COLS ROWS TERM [VAR=VALUE...]: a fresh private tmux server whose one pane runs an
# interactive `bash --norc` with TERM set to TERM (tmux's default-terminal) and the variables
# given (e.g. HUBDESK_TOKEN, so the token is never typed on screen).
tmux_start() {
    local cols=$1 rows=$2 term=$3 envs=() v
    shift 3
    for v in "$@"; do
        envs+=(-e "$v")
    done
    tmx kill-server >/dev/null 2>&1
    tmx start-server \; set -g default-terminal "$term" \; set -g remain-on-exit on \; \
        set -g status off \; \
        new-session -d -x "$cols" -y "$rows" -s e2e "${envs[@]}" \
        "env PS1='\$ ' HISTFILE= bash --norc --noprofile -i" ||
        fail "tmux did not start"
    wait_for_screen '^\$ ' 5
    log "tmux ${cols}x$rows TERM=$term"
}

# capture: the pane as `capture-pane -p -e -N` in $E2E_CAP, plain text in $E2E_TXT.
capture() {
    tmx capture-pane -p -e -N -t e2e >"$E2E_CAP" 2>/dev/null || return 1
    E2E_CAP_SIZE=$(tmx display -p -t e2e '#{pane_width}x#{pane_height}' 2>/dev/null)
    sed -E $'s/\x1b\\[[0-9;:?]*[A-Za-z]//g; s/\x1b[()][A-Za-z0-9]//g; s/\x1b[=>]//g' \
        "$E2E_CAP" >"$E2E_TXT"
}

screen_has() { capture && grep -Eq -- "$1" "$E2E_TXT"; }

# wait_for_screen REGEX TIMEOUT: polls the pane every 0.1 s; fails the test on timeout.
wait_for_screen() {
    wait_until "$2" screen_has "$1" || fail "timed out (${2}s x$E2E_SCALE) waiting for /$1/"
}

# wait_for_no_screen REGEX TIMEOUT: until the regex no longer matches.
wait_for_no_screen() {
    local re=$1
    wait_until "$2" eval '! screen_has "$re"' || fail "timed out waiting for /$re/ to go away"
}

keys() { tmx send-keys -t e2e "$@"; }
keys_lit() { tmx send-keys -t e2e -l -- "$1"; }
resize() { tmx resize-window -t e2e -x "$1" -y "$2"; }

E2E_RUN=0
# pane_run COMMAND: types `clear; COMMAND; echo "rc-N=$?"` into the pane's bash.
pane_run() {
    E2E_RUN=$((E2E_RUN + 1))
    keys_lit "clear; $1; echo \"rc-$E2E_RUN=\$?\""
    keys Enter
}

# pane_wait_rc TIMEOUT: waits for the last pane_run command to end; prints its exit status.
pane_wait_rc() {
    wait_for_screen "^rc-$E2E_RUN=[0-9]+" "$1"
    sed -nE "s/^rc-$E2E_RUN=([0-9]+).*/\1/p" "$E2E_TXT" | head -n 1
}

pane_pid() { tmx display -p -t e2e '#{pane_pid}'; }

# children_of PID: the pids whose parent is PID (from /proc, no procps needed).
children_of() {
    local f stat rest fields
    for f in /proc/[0-9]*/stat; do
        read -r stat 2>/dev/null <"$f" || continue
        rest=${stat##*) } # after "pid (comm) ": state ppid ...
        read -r -a fields <<<"$rest"
        if [ "${fields[1]}" = "$1" ]; then
            f=${f#/proc/}
            echo "${f%/stat}"
        fi
    done
}

comm_of() { cat "/proc/$1/comm" 2>/dev/null; }

# The hubdesk process the pane's shell is running (empty if none).
pane_hubdesk_pid() {
    local p
    for p in $(children_of "$(pane_pid)"); do
        [ "$(comm_of "$p")" = hubdesk ] && { echo "$p"; return 0; }
    done
    return 1
}

# Fails unless the pane's shell is back at a prompt with a sane terminal (canonical mode,
# echo on) and runs commands.
check_terminal_sane() {
    pane_run "stty -a | grep -q ' icanon' && stty -a | grep -q ' echo ' && echo ok-\$((1+1))"
    wait_for_screen '^ok-2' 5
    [ "$(pane_wait_rc 5)" = 0 ] || fail "the terminal was not restored"
}

# ---- QR ----------------------------------------------------------------------------------

# qr_decodes TEXT [THEME]: captures the pane; 0 if pane_qr decodes TEXT on the theme(s).
qr_decodes() {
    capture || return 1
    "$PANE_QR" --theme "${2:-both}" --expect "$1" "$E2E_CAP" >"$E2E_TMP/pane_qr.out" 2>&1
}

# The sandbox's current QR, decoded from the pane on both themes. The sandbox is asked before
# and after each capture, so a rotation in between is retried, never mistaken for a bad QR.
E2E_QR='' E2E_QR_ATTEMPT=''
qr_current_decodes() {
    local before attempt after
    { read -r before && read -r attempt; } < <(sb_latest qr attempt) || return 1
    [ -n "$before" ] || return 1
    qr_decodes "$before" both || return 1
    after=$(sb_latest qr) || return 1
    [ "$before" = "$after" ] || return 1
    E2E_QR=$before
    E2E_QR_ATTEMPT=$attempt
}

# wait_qr_decodes TIMEOUT: until the pane shows the sandbox's current QR (both themes).
wait_qr_decodes() {
    wait_until "$1" qr_current_decodes ||
        fail "the pane's QR does not decode to the sandbox's latest qr: $(cat "$E2E_TMP/pane_qr.out")"
}

# wait_qr_rotation OLD TIMEOUT: until the sandbox has a QR other than OLD and the pane shows it.
wait_qr_rotation() {
    local old=$1
    wait_until "$2" eval '[ "$(sb_latest qr)" != "$old" ]' || fail "the sandbox did not rotate the QR"
    wait_until "$2" eval 'qr_current_decodes && [ "$E2E_QR" != "$old" ]' ||
        fail "the pane does not show the rotated QR: $(cat "$E2E_TMP/pane_qr.out")"
}

# ---- hubs connected by a form (HubMessage, HydraCore, Chatt2.me) ----------------------------

# sb_req_h METHOD PATH [NAME:VALUE...]: sb_req with request headers (e.g. a hub's own key, to
# read its state through its API); the answer body on stdout; status 1 on HTTP errors.
sb_req_h() {
    "$PY" -c '
import sys, urllib.request, urllib.error
base, method, path = sys.argv[1:4]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
req = urllib.request.Request(base + path, method=method, data=b"" if method == "POST" else None)
for h in sys.argv[4:]:
    k, _, v = h.partition(":")
    req.add_header(k.strip(), v.strip())
try:
    with opener.open(req, timeout=5) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
    sys.exit(1)
except Exception as e:
    sys.stdout.write("request failed: %s" % e)
    sys.exit(2)
' "$SB_URL" "$@"
}

# json_eval JSON_TEXT PY_EXPR: prints the Python expression evaluated with j = the parsed JSON
# ('' for None; objects as JSON). Status 1 if the expression fails.
json_eval() {
    "$PY" -c '
import json, sys
j = json.loads(sys.argv[1])
try:
    v = eval(sys.argv[2])
except Exception:
    sys.exit(1)
print("" if v is None else json.dumps(v) if isinstance(v, (dict, list)) else v)
' "$1" "$2"
}

# screen_below LABEL_RE TEXT_RE [ROWS]: in the last capture, a row matching TEXT_RE lies within
# ROWS (default 2) rows under a row matching LABEL_RE (a form field and its message).
screen_below() {
    awk -v l="$1" -v t="$2" -v n="${3:-2}" '
        $0 ~ l { at = NR; next }
        at && NR <= at + n && $0 ~ t { found = 1 }
        END { exit !found }' "$E2E_TXT"
}

# screen_joined_has TEXT: the last capture holds TEXT once rows are joined and spaces dropped
# (a long URL wrapped over two rows).
screen_joined_has() {
    tr -d ' \n' <"$E2E_TXT" | grep -Fq -- "$(printf '%s' "$1" | tr -d ' ')"
}

# demo_open: runs `hubdesk demo` in the pane and waits for its hub account list. The demo's
# sandbox (a child of hubdesk) becomes the test's: SB_URL, SB_PID (stopped on exit if hubdesk
# left it running). Sets DEMO_PID (hubdesk).
demo_open() {
    local p url
    pane_run "'$HUBDESK_BIN' demo"
    wait_for_screen 'Hub account' 10
    wait_for_screen 'http://127\.0\.0\.1:[0-9]+/' 5
    DEMO_PID=$(pane_hubdesk_pid) || fail "demo: no hubdesk process in the pane"
    SB_PID=''
    for p in $(children_of "$DEMO_PID"); do
        [ "$(comm_of "$p")" = hubdesk-sandbox ] && SB_PID=$p
    done
    [ -n "$SB_PID" ] || fail "demo: no hubdesk-sandbox child"
    E2E_SB_PIDS+=("$SB_PID")
    url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/' "$E2E_TXT" | head -n 1)
    SB_URL=${url%/}
    SB_ERR=''
    log "demo: hubdesk $DEMO_PID, its sandbox $SB_URL (pid $SB_PID)"
}

# demo_sb_gone: the demo's sandbox has exited (not even a zombie is left).
demo_sb_gone() {
    [ ! -e "/proc/$SB_PID" ] || [ "$(comm_of "$SB_PID")" != hubdesk-sandbox ]
}

# pick_profile REGEX: on the hub account list, moves the cursor to the row matching REGEX
# (rows are the ones showing a URL) and presses Enter.
pick_profile() {
    local rows first at i
    wait_for_screen "$1" 10
    rows=$(grep -cE '^ +[^ ].* https?://' "$E2E_TXT")
    first=$(grep -nE '^ +[^ ].* https?://' "$E2E_TXT" | head -n 1 | cut -d: -f1)
    at=$(grep -nE "$1" "$E2E_TXT" | head -n 1 | cut -d: -f1)
    if [ -z "$first" ] || [ -z "$at" ] || [ "$at" -lt "$first" ]; then
        fail "pick_profile: no account row matches /$1/"
    fi
    for ((i = 0; i < rows; i++)); do keys Up; done
    for ((i = first; i < at; i++)); do keys Down; done
    keys Enter
}

# cursor_on LABEL_RE: the pane's cursor is on a row that starts (after spaces) with LABEL_RE:
# the focused text field of a form (form screens leave the cursor in it).
cursor_on() {
    local y
    y=$(tmx display -p -t e2e '#{cursor_y}') || return 1
    capture || return 1
    sed -n "$((y + 1))p" "$E2E_TXT" | grep -Eq -- "^ +$1"
}

# form_focus LABEL_RE: presses Tab until the cursor is in the text field labelled LABEL_RE
# (at most 8 times); fails the test otherwise.
form_focus() {
    local i y
    for ((i = 0; i < 8; i++)); do
        wait_until 0.3 cursor_on "$1" && return 0
        y=$(tmx display -p -t e2e '#{cursor_y}')
        keys Tab
        wait_until 2 eval '[ "$(tmx display -p -t e2e "#{cursor_y}")" != "$y" ]'
    done
    fail "form_focus: Tab never put the cursor in the field /$1/"
}
