#!/usr/bin/env bash
# test_tui_signals.sh BUILD_DIR: whatever signal ends hubdesk, the terminal is put back
# (issue 15, item 6). In tmux, one signal at a time (kill -s SIG):
#  - the console (alternate screen, cursor hidden, keypad on, no echo): after the signal the
#    pane has left the alternate screen, shows the cursor, keypad is off (tmux's alternate_on,
#    cursor_flag, keypad_flag, keypad_cursor_flag) and the tty is back in canonical mode with
#    echo; SIGINT and SIGQUIT quit with 0, the other quitting signals (TERM, HUP, USR1, USR2,
#    ALRM, VTALRM, PROF, XCPU, XFSZ, IO, PWR, STKFLT, RTMIN) quit cleanly with 1, and the
#    faults (SEGV, BUS, FPE, ILL, ABRT, SYS, TRAP) end it by that signal (status 128 + N);
#  - line mode's passphrase prompt (echo off): every one of those signals ends it by that
#    signal with echo back on;
#  - under ASan, a SEGV still gets ASan's report, on a terminal already put back.
# The tty mode is read by a small Python parent of hubdesk, right after hubdesk ends: the
# pane's bash would put its own mode back after a job that died of a signal.
# shellcheck source=tests/e2e/lib.sh disable=SC2016
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME HUBDESK_PASSPHRASE_FILE
mkdir -p "$HOME"
PASS=$E2E_TMP/pass
printf 'signals-e2e-passphrase\n' >"$PASS"
"$H" vault init --passphrase-fd 3 3<"$PASS" >/dev/null 2>&1 </dev/null || fail "vault init failed"

# wrap.py CMD...: runs CMD on the pane's tty, then prints its status as a shell shows it and
# the tty's mode as CMD left it.
WRAP=$E2E_TMP/wrap.py
cat >"$WRAP" <<'EOF'
import subprocess, sys, termios
rc = subprocess.call(sys.argv[1:])
lflag = termios.tcgetattr(0)[3]
print("status=%d echo=%d icanon=%d" % (rc if rc >= 0 else 128 - rc, bool(lflag & termios.ECHO),
                                       bool(lflag & termios.ICANON)))
EOF

QUITS=(TERM HUP USR1 USR2 ALRM VTALRM PROF XCPU XFSZ IO PWR STKFLT RTMIN)
FAULTS=(SEGV BUS FPE ILL ABRT SYS TRAP)
# Under ASan, its own handlers for faults would report a deliberate kill; a separate check
# below keeps its report working.
NO_SAN_HANDLERS=''
if [ "$E2E_ASAN" = 1 ]; then
    NO_SAN_HANDLERS="ASAN_OPTIONS='$ASAN_OPTIONS:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0'"
fi

flags() { tmx display -p -t e2e '#{alternate_on} #{cursor_flag} #{keypad_flag} #{keypad_cursor_flag}'; }

# The hubdesk process under the pane's shell and the wrapper.
wrapped_pid() {
    local p c
    for p in $(children_of "$(pane_pid)" 2>/dev/null); do
        for c in $(children_of "$p" 2>/dev/null); do
            [ "$(comm_of "$c")" = hubdesk ] && { echo "$c"; return 0; }
        done
    done
    return 1
}

sig_number() { kill -l "$1"; }

# after_signal WHAT SIG WANT_STATUS: waits for the wrapper's line; status and tty mode.
after_signal() {
    local what=$1 sig=$2 want=$3 rc
    rc=$(pane_wait_rc 15)
    [ "$rc" = 0 ] || fail "$what $sig: the wrapper exited $rc"
    grep -q "status=$want echo=1 icanon=1" "$E2E_TXT" ||
        fail "$what $sig: want status=$want with echo and icanon; got: $(grep -o "status=.*" "$E2E_TXT")"
}

# console_signal SIG WANT_STATUS [ENV]: the console on the sandbox, then SIG.
console_signal() {
    local sig=$1 want=$2 env=${3:-} pid
    pane_run "$env '$PY' '$WRAP' '$H' --provider keebai --base-url '$SB_BASE'"
    wait_for_screen 'hubdesk ›' 10
    wait_until 5 eval '[ "$(flags)" = "1 0 1 1" ]' ||
        fail "$sig: the console did not set the terminal up: $(flags)"
    pid=$(wrapped_pid) || fail "$sig: no hubdesk process under the wrapper"
    kill -s "$sig" "$pid" || fail "kill -s $sig failed"
    after_signal console "$sig" "$want"
    [ "$(flags)" = "0 1 0 0" ] ||
        fail "console $sig: alternate_on cursor_flag keypad_flag keypad_cursor_flag = $(flags)"
    log "console $sig: terminal restored, status $want"
}

# prompt_signal SIG WANT_STATUS [ENV]: `vault list` asking for the passphrase, then SIG.
prompt_signal() {
    local sig=$1 want=$2 env=${3:-} pid tty
    pane_run "$env '$PY' '$WRAP' '$H' vault list"
    wait_for_screen 'Vault passphrase: ' 10
    tty=$(tmx display -p -t e2e '#{pane_tty}')
    wait_until 5 eval 'stty -a -F "$tty" | grep -q -- " -echo "' ||
        fail "prompt $sig: echo is not off at the prompt"
    pid=$(wrapped_pid) || fail "$sig: no hubdesk process under the wrapper"
    kill -s "$sig" "$pid" || fail "kill -s $sig failed"
    after_signal prompt "$sig" "$want"
    log "prompt $sig: echo back on, status $want"
}

sandbox_start
tmux_start 100 30 xterm-256color "HUBDESK_TOKEN=hubdesk-sandbox-token"

console_signal INT 0
console_signal QUIT 0
for sig in "${QUITS[@]}"; do
    console_signal "$sig" 1
done
for sig in "${FAULTS[@]}"; do
    console_signal "$sig" $((128 + $(sig_number "$sig"))) "$NO_SAN_HANDLERS"
done

for sig in INT QUIT "${QUITS[@]}"; do
    prompt_signal "$sig" $((128 + $(sig_number "$sig")))
done
for sig in "${FAULTS[@]}"; do
    prompt_signal "$sig" $((128 + $(sig_number "$sig"))) "$NO_SAN_HANDLERS"
done

if [ "$E2E_ASAN" = 1 ]; then
    # ASan's SEGV handler still reports (into its own file, not the test's sanitizer logs),
    # after the terminal was put back; abort_on_error then ends it by SIGABRT.
    report=$E2E_TMP/sanreport
    console_signal SEGV 134 "ASAN_OPTIONS='${ASAN_OPTIONS%%:log_path=*}:log_path=$report'"
    grep -qs 'SEGV' "$report".* || fail "no ASan report for the SEGV"
    rm -f "$report".*
    log "ASan: its SEGV report still comes, the terminal restored first"
fi
log "pass"
