#!/usr/bin/env bash
# test_line_mode.sh BUILD_DIR: `hubdesk connect` (line mode), on a terminal and in scripts.
#  - in tmux at 80x24 and 120x40: the printed QR decodes (dark and light themes) to the
#    sandbox's current pairing string, is re-printed on rotation and decodes to the new one; a
#    scan prints `connected ch_... +...` and the command exits 0; a resize from 120x40 to 80x24
#    re-prints a QR that decodes; Ctrl-C exits 4 and leaves the terminal sane;
#  - stdout not a tty, --json: one JSON object per line, qr events carry the sandbox's strings,
#    the connected event its channel id, exit 0;
#  - exit codes 2 (usage), 3 (token refused), 4 (expired, SIGINT), 5 (nobody listening, after
#    retries), each with exactly one "hubdesk:" line on stderr; in --json the final event
#    carries the same exit code, a status and a message;
#  - the token is wiped from /proc/PID/environ while a session waits and never printed.
# shellcheck source=tests/e2e/lib.sh disable=SC2016 # eval strings expand later
source "$(dirname "$0")/lib.sh" "${1:-build}"

TOKEN="e2e-token-$RANDOM$RANDOM-do-not-print"
WRONG_TOKEN="e2e-wrong-$RANDOM$RANDOM-do-not-print"
printf '%s\n' "$TOKEN" >"$E2E_TMP/token"

# Fails if the token (or the wrong one) appears in any of the files.
check_no_token() {
    local f
    for f in "$@"; do
        if grep -Fq -e "$TOKEN" -e "$WRONG_TOKEN" "$f"; then
            fail "a token was printed: $f"
        fi
    done
}

# Fails if PID's environment still holds the token.
check_environ_wiped() {
    local pid=$1 env=$E2E_TMP/environ
    tr '\0' '\n' <"/proc/$pid/environ" >"$env" 2>/dev/null || fail "cannot read /proc/$pid/environ"
    if grep -Fq "$TOKEN" "$env" || grep -q '^HUBDESK_TOKEN=.' "$env"; then
        fail "HUBDESK_TOKEN is still in /proc/$pid/environ"
    fi
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -Fq "$TOKEN"; then
        fail "the token is in /proc/$pid/cmdline"
    fi
}

# ---- on a terminal -----------------------------------------------------------------------

tty_pair_at() {
    local cols=$1 rows=$2 term=$3
    sandbox_start --token-file "$E2E_TMP/token" --qr-first-ms 4000 --qr-next-ms 4000 \
        --qr-attempts 6 --scan-delay-ms 300
    tmux_start "$cols" "$rows" "$term" "HUBDESK_TOKEN=$TOKEN"
    pane_run "'$HUBDESK_BIN' connect --provider keebai --base-url '$SB_BASE' --qr"
    wait_for_screen 'QR [0-9]+ of 6, expires in' 10
    local pid
    pid=$(pane_hubdesk_pid) || fail "no hubdesk process in the pane"
    check_environ_wiped "$pid"
    wait_qr_decodes 6
    local first=$E2E_QR attempt=$E2E_QR_ATTEMPT
    grep -q "QR $attempt of 6" "$E2E_TXT" || fail "the text does not say QR $attempt of 6"
    log "tty ${cols}x$rows: QR $attempt decodes on both themes"
    wait_qr_rotation "$first" 8
    grep -q "QR $E2E_QR_ATTEMPT of 6" "$E2E_TXT" || fail "the text does not say QR $E2E_QR_ATTEMPT"
    [ "$(grep -c 'QR [0-9]* of 6' "$E2E_TXT")" = 1 ] || fail "the old QR was not cleared"
    log "tty ${cols}x$rows: rotated QR $E2E_QR_ATTEMPT decodes on both themes"
    if [ "$cols" = 120 ]; then # SIGWINCH re-prints the QR for the new size
        resize 80 24
        wait_qr_decodes 6
        log "tty resized to 80x24: the re-printed QR decodes"
    fi
    sb_scan
    local rc cid phone
    rc=$(pane_wait_rc 10)
    { read -r cid && read -r phone; } < <(sb_latest channel_id phone_number)
    grep -Eq "^connected $cid \\$phone *\$" "$E2E_TXT" ||
        fail "no 'connected $cid $phone' line"
    [[ $phone == +* ]] || fail "unexpected phone '$phone'"
    [ "$rc" = 0 ] || fail "connect exited $rc after connecting"
    check_no_token "$E2E_TXT" "$E2E_CAP"
    log "tty ${cols}x$rows: connected $cid $phone, exit 0"

    if [ "$cols" = 80 ]; then # Ctrl-C while the QR shows: exit 4, terminal sane
        pane_run "'$HUBDESK_BIN' connect --provider keebai --base-url '$SB_BASE' --qr"
        wait_for_screen 'QR [0-9]+ of 6, expires in' 10
        keys C-c
        rc=$(pane_wait_rc 10)
        [ "$rc" = 4 ] || fail "Ctrl-C: exit $rc, want 4"
        grep -Eq '^(\^C)?hubdesk: cancelled' "$E2E_TXT" || fail "Ctrl-C: no 'hubdesk: cancelled' line"
        check_terminal_sane
        log "tty ${cols}x$rows: Ctrl-C exits 4"
    fi
    tmx kill-server
    sandbox_stop
}

tty_pair_at 80 24 xterm-256color
tty_pair_at 120 40 screen

# ---- not a terminal: --json --------------------------------------------------------------

OUT=$E2E_TMP/out
ERR=$E2E_TMP/err

# The last qr event's string in $OUT (empty if none).
last_json_qr() {
    "$PY" -c '
import json, sys
qr = ""
for line in open(sys.argv[1]):
    if line.endswith("\n"):
        o = json.loads(line)
        if o.get("event") == "qr":
            qr = o["qr"]
print(qr)' "$OUT"
}

json_qr_is_current() {
    local cur
    cur=$(sb_latest qr) && [ -n "$cur" ] && [ "$(last_json_qr)" = "$cur" ]
}

proc_gone() { ! kill -0 "$1" 2>/dev/null; }

# wait_exit PID TIMEOUT: waits for a background hubdesk; sets RC.
wait_exit() {
    wait_until "$2" proc_gone "$1" || fail "hubdesk (pid $1) did not exit"
    wait "$1"
    RC=$?
}

sandbox_start --token-file "$E2E_TMP/token" --qr-first-ms 1500 --qr-next-ms 1500 --qr-attempts 6 \
    --scan-delay-ms 200
HUBDESK_TOKEN=$TOKEN "$HUBDESK_BIN" connect --provider keebai --base-url "$SB_BASE" --qr --json \
    --name "E2E json" >"$OUT" 2>"$ERR" </dev/null &
pid=$!
E2E_BG_PIDS+=("$pid")
wait_until 10 json_qr_is_current || fail "no qr event matching the sandbox's qr: $(cat "$OUT")"
check_environ_wiped "$pid"
first=$(last_json_qr)
wait_until 6 eval 'json_qr_is_current && [ "$(last_json_qr)" != "$first" ]' ||
    fail "no qr event for the rotated qr: $(cat "$OUT")"
sb_scan
wait_exit "$pid" 10
[ "$RC" = 0 ] || fail "--json: exit $RC after connecting: $(cat "$ERR")"
{ read -r cid && read -r phone && read -r name; } < <(sb_latest channel_id phone_number name)
"$PY" - "$OUT" "$cid" "$phone" "$first" <<'EOF' || fail "--json output: $(cat "$OUT")"
import json, sys
path, cid, phone, first = sys.argv[1:5]
lines = open(path).read().split("\n")
assert lines[-1] == "", "output does not end with a newline"
events = [json.loads(l) for l in lines[:-1]]
assert all(isinstance(e, dict) and "event" in e for e in events), "an object without event"
kinds = [e["event"] for e in events]
qrs = [e for e in events if e["event"] == "qr"]
assert len(qrs) >= 2 and qrs[0]["qr"] == first, "qr events: %r" % kinds
for i, e in enumerate(qrs):
    assert isinstance(e["qr"], str) and e["qr"].startswith("2@"), e
    assert e["attempt"] == i + 1 and e["attempts"] == 6, e
    assert isinstance(e["expires_in_ms"], int) and e["expires_in_ms"] > 0, e
assert kinds[-1] == "connected", "last event is %s" % kinds[-1]
assert "scanned" in kinds and kinds.index("scanned") > kinds.index("qr"), kinds
c = events[-1]
assert c["channel_id"] == cid and cid.startswith("ch_"), (c, cid)
assert c["phone"] == phone, (c, phone)
assert c["name"] == "E2E json", c
assert set(kinds) <= {"qr", "scanned", "waiting", "connected"}, kinds
EOF
[ "$name" = "E2E json" ] || fail "the sandbox got the name '$name'"
check_no_token "$OUT" "$ERR"
log "--json: $(grep -c . "$OUT") JSON events, connected $cid, exit 0"
sandbox_stop

# ---- exit codes ----------------------------------------------------------------------------

# expect_exit WANT NAME [--json] -- ARGS...: runs `hubdesk ARGS` (stdout to a file, stdin from
# /dev/null) with HUBDESK_TOKEN=$RUN_TOKEN (unset when RUN_TOKEN is empty); checks the exit code,
# one "hubdesk:" line on stderr (text mode), the final event (--json) and that no token is shown.
expect_exit() {
    local want=$1 name=$2 json=0
    shift 2
    [ "$1" = --json ] && { json=1; shift; }
    [ "$1" = -- ] && shift
    local -a envv=(env -u HUBDESK_TOKEN)
    [ -n "$RUN_TOKEN" ] && envv+=("HUBDESK_TOKEN=$RUN_TOKEN")
    "${envv[@]}" "$HUBDESK_BIN" "$@" >"$OUT" 2>"$ERR" </dev/null &
    local p=$!
    E2E_BG_PIDS+=("$p")
    wait_exit "$p" 20
    [ "$RC" = "$want" ] || fail "$name: exit $RC, want $want; stderr: $(cat "$ERR")"
    check_no_token "$OUT" "$ERR"
    if [ "$json" = 1 ]; then
        "$PY" - "$OUT" "$want" <<'EOF' || fail "$name: --json output: $(cat "$OUT")"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
last = events[-1]
assert last["event"] in ("failed", "expired"), last
assert last["exit_code"] == int(sys.argv[2]), last
assert isinstance(last["status"], str) and last["status"], last
assert isinstance(last["message"], str), last
EOF
        log "$name: exit $RC, final event $(tail -n 1 "$OUT")"
        return
    fi
    local n
    n=$(grep -c '^hubdesk:' "$ERR")
    [ "$n" = 1 ] || fail "$name: $n 'hubdesk:' lines on stderr, want 1: $(cat "$ERR")"
    if [ "$want" = 2 ] && [ -s "$OUT" ]; then
        fail "$name: a usage error printed to stdout: $(cat "$OUT")"
    fi
    log "$name: exit $RC: $(grep '^hubdesk:' "$ERR" | tail -n 1)"
}

sandbox_start --token-file "$E2E_TMP/token" --qr-first-ms 600 --qr-next-ms 600 --qr-attempts 2
RUN_TOKEN=$TOKEN
C=(connect --provider keebai --base-url "$SB_BASE" --qr)
expect_exit 2 "unknown option" -- "${C[@]}" --bogus
expect_exit 2 "missing --provider" -- connect --base-url "$SB_BASE" --qr
expect_exit 2 "unknown provider" -- connect --provider nope --base-url "$SB_BASE" --qr
expect_exit 2 "plain http to a remote host" -- connect --provider keebai \
    --base-url http://example.com --qr
expect_exit 2 "bad --qr-style" -- "${C[@]}" --qr-style bogus
expect_exit 2 "unknown option (--json)" -- "${C[@]}" --json --bogus
RUN_TOKEN=''
expect_exit 2 "missing HUBDESK_TOKEN" -- "${C[@]}"
RUN_TOKEN=$WRONG_TOKEN
expect_exit 3 "wrong token" -- "${C[@]}"
grep -q 'refused the token' "$ERR" || fail "wrong token: stderr does not say the token was refused"
expect_exit 3 "wrong token (--json)" --json -- "${C[@]}" --json
RUN_TOKEN=$TOKEN
expect_exit 4 "expiry" -- "${C[@]}"
grep -q 'expired' "$ERR" || fail "expiry: stderr does not say the pairing expired"
expect_exit 4 "expiry (--json)" --json -- "${C[@]}" --json
grep -q '"event":"expired"' "$OUT" || fail "expiry (--json): no expired event"
sandbox_stop

port=$(free_port)
CLOSED=(connect --provider keebai --base-url "http://127.0.0.1:$port/keebai" --qr)
expect_exit 5 "closed port" -- "${CLOSED[@]}"
expect_exit 5 "closed port (--json)" --json -- "${CLOSED[@]}" --json
grep -q '"event":"waiting"' "$OUT" || fail "closed port: exit 5 without a retry (no waiting event)"

# SIGINT while a session waits: exit 4.
sandbox_start --token-file "$E2E_TMP/token"
C=(connect --provider keebai --base-url "$SB_BASE" --qr)
HUBDESK_TOKEN=$TOKEN "$HUBDESK_BIN" "${C[@]}" >"$OUT" 2>"$ERR" </dev/null &
pid=$!
E2E_BG_PIDS+=("$pid")
wait_until 10 grep -q '^QR 1 of 6' "$OUT" || fail "SIGINT: no QR printed: $(cat "$ERR")"
[ "$(sb_latest state)" = waiting ] || fail "SIGINT: the session is not waiting"
check_environ_wiped "$pid"
kill -INT "$pid"
wait_exit "$pid" 10
[ "$RC" = 4 ] || fail "SIGINT: exit $RC, want 4"
n=$(grep -c '^hubdesk:' "$ERR")
grep -q '^hubdesk: cancelled' "$ERR" || fail "SIGINT: no 'hubdesk: cancelled' line: $(cat "$ERR")"
[ "$n" = 1 ] || fail "SIGINT: $n 'hubdesk:' lines on stderr, want 1: $(cat "$ERR")"
check_no_token "$OUT" "$ERR"
log "SIGINT: exit 4"
HUBDESK_TOKEN=$TOKEN "$HUBDESK_BIN" "${C[@]}" --json >"$OUT" 2>"$ERR" </dev/null &
pid=$!
E2E_BG_PIDS+=("$pid")
wait_until 10 grep -q '"event":"qr"' "$OUT" || fail "SIGINT (--json): no qr event"
kill -INT "$pid"
wait_exit "$pid" 10
[ "$RC" = 4 ] || fail "SIGINT (--json): exit $RC, want 4"
last=$(tail -n 1 "$OUT")
[ "$(json_get "$last" event)/$(json_get "$last" status)/$(json_get "$last" exit_code)" = \
    failed/cancelled/4 ] || fail "SIGINT (--json): last event $last"
if ! "$PY" -c 'import json, sys; sys.exit("message" not in json.loads(sys.argv[1]))' "$last"; then
    fail "SIGINT (--json): the failed event has no \"message\" field, unlike every other" \
        "failed/expired event (core/cli.c on_signal): $last"
fi
log "SIGINT (--json): exit 4"
log "pass"
