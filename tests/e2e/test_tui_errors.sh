#!/usr/bin/env bash
# test_tui_errors.sh BUILD_DIR: the console off the happy path (tmux, TERM=screen-256color).
#  1. One console on a sandbox with 8 s QRs: '?' and F1 on the name screen, junk keyboard input
#     there; the QR at 120x40; '?' on the pairing screen (any key closes it); resize to 80x24
#     (re-fits, decodes), to 40x15 ("needs at least"), back to 120x40; a stream drop (reconnects,
#     same session, the QR still decodes); Esc back to the name screen (name kept, stream closed)
#     and Enter again (new session); another drop, then a scan: "Connected" with the sandbox's
#     channel id; Ctrl-Z (sane shell terminal while stopped) and fg (the QR is back); junk on
#     the pairing screen (first junk that keeps to that screen, after which
#     the QR still decodes, then raw escape-sequence junk that may wander); Ctrl-C quits with 0
#     and the terminal is sane.
#  2. Wrong token: the account list shows the hub's UNAUTHORIZED; '?' there; junk there; Ctrl-C.
#  3. Short expiry: the "expired" screen; r starts a new session that shows a QR again; q quits.
#  4. `hubdesk demo`: shows the Sandbox profile (its URL leads the test to the demo's own
#     sandbox), the QR decodes to that sandbox's string, a scan connects, q quits; a second demo
#     quits on Ctrl-C; no hubdesk-sandbox process is left behind either way.
# shellcheck source=tests/e2e/lib.sh disable=SC2016 # eval strings expand later
source "$(dirname "$0")/lib.sh" "${1:-build}"

TOKEN=hubdesk-sandbox-token

# send_junk MODE SEED EXCLUDE: junk keyboard input: random printable and control bytes, escape
# sequences, invalid and valid UTF-8, then a 5 KB paste (send-keys -l). Never sent: Ctrl-C,
# Ctrl-Z, Ctrl-\ (signals), Ctrl-S/Ctrl-Q (flow control); nor the characters in EXCLUDE.
#   MODE raw:  escape sequences as raw bytes: known, unknown, truncated, oversized, mouse,
#              OSC/DCS (a console may read an unknown one as Esc = back);
#   MODE stay: no Esc byte at all; special keys only as tmux key names the pane's terminfo
#              knows (arrows but Left, Home, F2..F12, ...), so the junk stays on one screen.
# Sets JUNK_S: how many 's' were sent (each cycles the QR style on the pairing screen).
send_junk() {
    "$PY" - "$1" "$2" "$3" "$E2E_TMP/junk" >"$E2E_TMP/junk.count" <<'EOF2' ||
import random, sys
mode, seed, exclude, out = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode(), sys.argv[4]
rnd = random.Random(seed)
never = {0x03, 0x1a, 0x1c, 0x11, 0x13} | ({0x1b} if mode == "stay" else set())
def ok(b):
    return b not in never and b not in exclude
printable = [b for b in range(0x20, 0x7f) if ok(b)]
controls = [b for b in list(range(0x00, 0x20)) + [0x7f] if ok(b)]
seqs = [b"\x1b[A", b"\x1b[B", b"\x1b[C", b"\x1b[D", b"\x1bOA", b"\x1bOP", b"\x1b[H",
        b"\x1b[5~", b"\x1b[6~", b"\x1b[3~", b"\x1b[2~", b"\x1b[15~", b"\x1b[24~", b"\x1b[1;5C",
        b"\x1b[1;2A", b"\x1b[200~pasted\x1b[201~", b"\x1b[M !!", b"\x1b[<0;10;10M",
        b"\x1b[<64;1;1M", b"\x1b[99999999999999999999;9999999999R", b"\x1b]0;title\x07",
        b"\x1bP+q544e\x1b\\", b"\x1b[?1;2c", b"\x1b[" + b"1;" * 200 + b"m", b"\x1b[",
        b"\x1bO", b"\x1b\x1b\x1b", b"\x1b[I", b"\x1b[O", b"\x1bx", b"\x1b[Z"]
names = ["Up", "Down", "Right", "Home", "End", "PPage", "NPage", "IC", "DC", "BTab", "F2", "F3",
         "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12"]
utf8 = [b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\xc0\xaf",
        "\u00e9\u4e2d\U0001f389\u0301\u202e\u200b".encode()]
cmds, sent = [], b""
for _ in range(120):
    r = rnd.random()
    if mode == "stay" and r < 0.25:
        cmds.append("K " + " ".join(rnd.choice(names) for _ in range(rnd.randint(1, 4))))
        continue
    raw = b""
    for _ in range(rnd.randint(1, 8)):
        r = rnd.random()
        if r < 0.5:
            raw += bytes([rnd.choice(printable)])
        elif r < 0.8:
            raw += bytes([rnd.choice(controls)])
        elif r < 0.92 and mode == "raw":
            raw += bytes(b for b in rnd.choice(seqs) if ok(b) or b == 0x1b)
        else:
            raw += rnd.choice(utf8)
    sent += raw
    cmds.append("H " + " ".join("%02x" % b for b in raw))
with open(out + ".cmds", "w") as f:
    f.write("\n".join(cmds) + "\n")
alphabet = [chr(b) for b in printable if b != 0x7f] + list("\u00e9\u00fc\u00df\u00f1\u4e2d\u6587\u5b57\u20ac\U0001f389")
paste = "".join(rnd.choice(alphabet) for _ in range(5000))
with open(out + ".paste", "w") as f:
    f.write(paste)
print(sent.count(b"s") + paste.count("s"))
EOF2
        fail "the junk generator failed"
    JUNK_S=$(cat "$E2E_TMP/junk.count")
    local kind args
    while read -r kind args; do
        # shellcheck disable=SC2086 # one argument per byte or key
        if [ "$kind" = H ]; then keys -H $args; else keys $args; fi || fail "send-keys $kind $args"
    done <"$E2E_TMP/junk.cmds"
    keys_lit "$(cat "$E2E_TMP/junk.paste")" || fail "send-keys -l of the paste failed"
}

# check_redraws PID: the console is still alive and redraws fully: after Ctrl-L and a resize
# by one column, its title bar spans exactly the new width.
check_redraws() {
    local pid=$1 w h
    read -r w h < <(tmx display -p -t e2e '#{window_width} #{window_height}')
    keys C-l
    resize $((w - 1)) "$h"
    title_fits() {
        capture && kill -0 "$pid" 2>/dev/null || return 1
        local first
        first=$(head -n 1 "$E2E_TXT")
        [[ $first =~ ^\ hubdesk\ ›\ .*Keebai\ $ ]] && [ "${#first}" = $((w - 1)) ]
    }
    wait_until 10 title_fits || {
        kill -0 "$pid" 2>/dev/null || fail "hubdesk died"
        fail "no full redraw at $((w - 1))x$h"
    }
    resize "$w" "$h"
    wait_until 10 eval 'capture && [ "$(head -n 1 "$E2E_TXT" | wc -m)" = $((w + 1)) ]' ||
        fail "no redraw back at ${w}x$h"
    kill -0 "$pid" 2>/dev/null || fail "hubdesk died"
}

# quit_ctrl_c: Ctrl-C ends the console with 0 and the terminal is sane again.
quit_ctrl_c() {
    keys C-c
    local rc
    rc=$(pane_wait_rc 10)
    [ "$rc" = 0 ] || fail "Ctrl-C: the console exited with $rc"
    check_terminal_sane
}

start_console() { # [TOKEN]
    pane_run "HUBDESK_TOKEN='${1:-$TOKEN}' '$HUBDESK_BIN' --provider keebai --base-url '$SB_BASE'"
    new_qr_channel 10
    wait_for_screen 'Channel name' 10
    CONSOLE_PID=$(pane_hubdesk_pid) || fail "no hubdesk process in the pane"
}

help_shown() { screen_has 'Press any key to close'; }

tmux_start 120 40 screen-256color

# ---- 1. help, junk, layout, drop, Esc, Ctrl-C, connection after a drop --------------------
# retry 1 s: the console's "reconnecting" state lasts long enough to be seen.
sandbox_start --qr-first-ms 8000 --qr-next-ms 8000 --qr-attempts 6 --retry-ms 1000 \
    --keepalive-ms 300 --scan-delay-ms 200
start_console

# On the name screen '?' is text (Â¿Soporte?), F1 is help, and the hint bar says so.
keys '?'
wait_for_screen 'Name: *WhatsApp QR\?' 5
grep -q 'F1 help' "$E2E_TXT" || fail "the name screen's hint bar should offer F1 for help"
keys BSpace
wait_for_screen 'Name: *WhatsApp QR *$' 5
keys F1
wait_for_screen 'Press any key to close' 5
grep -q 'Keys' "$E2E_TXT" || fail "the help overlay has no title"
keys x
wait_for_no_screen 'Press any key to close' 5
grep -q 'Name: *WhatsApp QR *$' "$E2E_TXT" || fail "the key that closed the help was typed"
log "name screen: help opens and closes"

send_junk stay 1 $'\r\n' # Enter would start pairing; Esc would go back to the mode list
check_redraws "$CONSOLE_PID"
grep -q 'Channel name' "$E2E_TXT" || fail "junk left the name screen"
log "name screen: junk input survived"
keys C-u
keys_lit 'E2E errors'
keys Enter
wait_for_screen 'QR [0-9]+ of 6' 10
wait_qr_decodes 6
grep -q 'Channel: E2E errors' "$E2E_TXT" || fail "the pairing screen does not show the name"
log "120x40: QR $E2E_QR_ATTEMPT decodes"

keys '?'
wait_for_screen 'Press any key to close' 5
keys z
wait_for_no_screen 'Press any key to close' 5
wait_qr_decodes 6
log "pairing screen: help opens, any key closes it"

resize 80 24
wait_qr_decodes 6
log "resized to 80x24: QR re-fitted and decodes"
resize 40 15
# The message wraps at 40 columns: look for it in the screen's words.
words() { tr -s ' \n' '  ' <"$E2E_TXT"; }
wait_until 5 eval 'capture && words | grep -q "this QR needs at least [0-9]*x[0-9]*"' ||
    fail "no 'needs at least' message at 40x15"
log "40x15: $(words | grep -o 'needs at least [0-9]*x[0-9]*')"
resize 120 40
wait_qr_decodes 6
log "back at 120x40: QR decodes"

session=$(sb_latest session_id)
dropped=$(json_get "$(sb_drop)" dropped)
[ "$dropped" -ge 1 ] 2>/dev/null || fail "the drop closed no stream ($dropped)"
wait_for_screen 'reconnecting' 5
wait_until 10 eval '[ "$(sb_latest open_streams)" = 1 ]' || fail "the console did not reconnect"
if ! wait_until 1.5 eval '! screen_has reconnecting'; then
    fail "the pairing screen still says 'reconnecting' after the stream is back"
fi
wait_qr_decodes 6
[ "$(sb_latest session_id)" = "$session" ] || fail "the drop started a new session"
kill -0 "$CONSOLE_PID" || fail "hubdesk died after the drop"
log "stream dropped ($dropped), reconnected, QR decodes"

keys Escape
wait_for_screen 'Channel name' 5
grep -q 'Name: *E2E errors *$' "$E2E_TXT" || fail "Esc lost the channel name"
wait_until 10 eval '[ "$(sb_latest open_streams)" = 0 ]' || fail "Esc left the stream open"
keys Enter
wait_for_screen 'QR [0-9]+ of 6' 10
[ "$(sb_latest session_id)" != "$session" ] || fail "Enter after Esc did not start a new session"
wait_qr_decodes 6
log "Esc went back to the name screen; Enter paired again"

# A drop, then the connection: the scanned/connected events come over the new stream.
dropped=$(json_get "$(sb_drop)" dropped)
[ "$dropped" -ge 1 ] 2>/dev/null || fail "the second drop closed no stream ($dropped)"
wait_until 10 eval '[ "$(sb_latest open_streams)" = 1 ]' || fail "the console did not reconnect"
sb_scan
wait_for_screen 'Connected' 10
cid=$(sb_latest channel_id)
grep -Eq "Channel id: +$cid( |$)" "$E2E_TXT" || fail "the screen does not show channel id $cid"
log "paired after a drop: $cid"
keys Escape
new_qr_channel 5
wait_for_screen 'Channel name' 5
keys Enter
wait_for_screen 'QR [0-9]+ of 6' 10

# Ctrl-Z: the shell gets a sane terminal while the console is stopped; fg redraws the QR.
keys C-z
wait_for_screen "^rc-$E2E_RUN=148" 10
check_terminal_sane
pane_run fg
wait_qr_decodes 6
kill -0 "$CONSOLE_PID" || fail "hubdesk died after fg"
log "Ctrl-Z: terminal sane while stopped; fg brings the QR back"

send_junk stay 2 'qQb?' # quit, back, help (which would eat a key)
check_redraws "$CONSOLE_PID"
grep -q 'Pair the phone' "$E2E_TXT" || fail "junk left the pairing screen"
for ((i = 0; i < (5 - JUNK_S % 5) % 5; i++)); do # s cycles 5 styles: back to auto
    keys s
done
wait_qr_decodes 10
log "pairing screen: junk input survived (${JUNK_S} s), QR decodes"
send_junk raw 4 'qQ'
check_redraws "$CONSOLE_PID"
log "pairing screen: raw junk survived ($(head -n 1 "$E2E_TXT" | sed 's/  */ /g'))"
quit_ctrl_c
log "Ctrl-C quit, terminal sane"

# ---- 2. wrong token ------------------------------------------------------------------------
# The token is checked when the account is chosen: the hub's envelope stays on the account list.
pane_run "HUBDESK_TOKEN=wrong-token '$HUBDESK_BIN' --provider keebai --base-url '$SB_BASE'"
wait_for_screen 'UNAUTHORIZED' 10
CONSOLE_PID=$(pane_hubdesk_pid) || fail "no hubdesk process in the pane"
grep -q 'Hub account' "$E2E_TXT" || fail "not the account list"
grep -q 'Enter tries again' "$E2E_TXT" || fail "no way forward offered after a refused token"
if grep -q 'wrong-token' "$E2E_TXT"; then fail "the token is on screen"; fi
log "wrong token: the account list shows the hub's UNAUTHORIZED"
keys '?'
wait_for_screen 'Press any key to close' 5
keys Escape
wait_for_no_screen 'Press any key to close' 5
grep -q 'UNAUTHORIZED' "$E2E_TXT" || fail "the key that closed the help acted"
send_junk stay 3 $'qQb?' # quit, back, help
check_redraws "$CONSOLE_PID"
wait_for_screen 'UNAUTHORIZED' 10
send_junk raw 5 'qQ'
check_redraws "$CONSOLE_PID"
wait_for_screen 'UNAUTHORIZED' 10
log "account list: help and junk input survived"
quit_ctrl_c

# ---- 3. short expiry -----------------------------------------------------------------------
sandbox_stop
sandbox_start --qr-first-ms 600 --qr-next-ms 600 --qr-attempts 2
start_console
keys Enter
wait_for_screen 'pairing expired' 10
grep -q 'No phone scanned the code in time' "$E2E_TXT" || fail "no advice on the expired screen"
session=$(sb_latest session_id)
log "expired screen shown"
keys r
wait_for_screen 'QR [0-9]+ of 6' 5
[ "$(sb_latest session_id)" != "$session" ] || fail "r did not start a new session"
log "r: a new session shows a QR"
wait_for_screen 'pairing expired' 10
keys q
rc=$(pane_wait_rc 10)
[ "$rc" = 0 ] || fail "q: the console exited with $rc"
check_terminal_sane
sandbox_stop

# ---- 4. demo -------------------------------------------------------------------------------
# demo_start: runs `hubdesk demo`, waits for its profile screen; sets DEMO_SB (its sandbox).
demo_start() {
    pane_run "'$HUBDESK_BIN' demo"
    wait_for_screen 'Hub account' 10
    grep -q 'Sandbox' "$E2E_TXT" || fail "demo: no Sandbox profile"
    CONSOLE_PID=$(pane_hubdesk_pid) || fail "demo: no hubdesk process"
    DEMO_SB=''
    local p
    for p in $(children_of "$CONSOLE_PID"); do
        [ "$(comm_of "$p")" = hubdesk-sandbox ] && DEMO_SB=$p
    done
    [ -n "$DEMO_SB" ] || fail "demo: no hubdesk-sandbox child"
}
# The demo's sandbox is gone (not even a zombie).
demo_sandbox_gone() {
    [ ! -e "/proc/$DEMO_SB" ] || [ "$(comm_of "$DEMO_SB")" != hubdesk-sandbox ]
}

demo_start
# The profile list shows the demo sandbox's URL: the test drives that sandbox like its own.
demo_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/keebai' "$E2E_TXT" | head -n 1)
[ -n "$demo_url" ] || fail "demo: the profile list shows no sandbox URL"
SB_URL=${demo_url%/keebai} SB_PID=$DEMO_SB
keys Enter
new_qr_channel 5
wait_for_screen 'Channel name' 5
keys Enter
wait_for_screen 'QR [0-9]+ of 6' 10
wait_qr_decodes 6
sb_scan
wait_for_screen 'Connected' 10
cid=$(sb_latest channel_id)
grep -Eq "Channel id: +$cid( |$)" "$E2E_TXT" || fail "demo: the screen does not show $cid"
keys q
rc=$(pane_wait_rc 10)
[ "$rc" = 0 ] || fail "demo: q: exit $rc"
SB_URL='' SB_PID=''
wait_until 5 demo_sandbox_gone || fail "demo: hubdesk-sandbox $DEMO_SB is still running after q"
log "demo: Sandbox profile, QR decodes, scan -> $cid, q quits, its sandbox is gone"

demo_start
keys C-c
rc=$(pane_wait_rc 10)
[ "$rc" = 0 ] || fail "demo: Ctrl-C: exit $rc"
wait_until 5 demo_sandbox_gone || fail "demo: hubdesk-sandbox $DEMO_SB is still running after Ctrl-C"
check_terminal_sane
log "demo: Ctrl-C quits, its sandbox is gone"
log "pass"
