#!/usr/bin/env bash
# test_line_output.sh BUILD_DIR: line mode's standard output (issue 15, item 9):
#  - output that cannot be written (> /dev/full) is a failure: `channels`, `channels --json`,
#    `connect --qr` (the printed QR), `connect --qr --json`, `connect --help` and `--version`
#    exit 1 with one line "hubdesk: could not write the output: No space left on device";
#    connect stops at the first QR instead of waiting for the pairing to end;
#  - a closed stdout (>&-) is the same failure ("Bad file descriptor");
#  - the same commands with a writable stdout still exit 0;
# and what it prints for a hub's QR that is not printable text (item 10), from a sandbox that
# puts an escape sequence, a C1 control or invalid UTF-8 (Keebai's bare-text form) in every QR:
#  - `connect --qr --json` prints one event, failed with status "protocol" and the message,
#    never a qr event, no escape character in any form; exit 1 at the first QR, with one
#    "hubdesk:" line on stderr; without --json the same line and nothing on stdout.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME HUBDESK_PASSPHRASE_FILE
mkdir -p "$HOME"
export HUBDESK_TOKEN=hubdesk-sandbox-token
FULL_MSG='hubdesk: could not write the output: No space left on device'

# lost WANT_MSG ARGS...: hubdesk ARGS > /dev/full exits 1 within 15 s, with exactly one
# stderr line, WANT_MSG.
lost() {
    local want=$1 rc start=$SECONDS
    shift
    timeout $((15 * E2E_SCALE)) "$H" "$@" >/dev/full 2>"$ERR" </dev/null
    rc=$?
    [ "$rc" = 1 ] || fail "'$*' > /dev/full exited $rc, want 1; stderr: $(cat "$ERR")"
    [ "$(cat "$ERR")" = "$want" ] || fail "'$*' > /dev/full: stderr is: $(cat "$ERR")"
    log "> /dev/full: $* -> exit 1 after $((SECONDS - start)) s"
}

# ok ARGS...: the same command with a writable stdout exits 0 and prints something.
ok() {
    timeout $((15 * E2E_SCALE)) "$H" "$@" >"$OUT" 2>"$ERR" </dev/null
    local rc=$?
    [ "$rc" = 0 ] || fail "'$*' exited $rc; stderr: $(cat "$ERR")"
    [ -s "$OUT" ] || fail "'$*' printed nothing"
}

sandbox_start --qr-first-ms 60000 --qr-next-ms 60000
KB=(--provider keebai --base-url "$SB_BASE")

ok channels "${KB[@]}"
ok channels "${KB[@]}" --json
ok --version
lost "$FULL_MSG" channels "${KB[@]}"
lost "$FULL_MSG" channels "${KB[@]}" --json
lost "$FULL_MSG" connect "${KB[@]}" --qr
lost "$FULL_MSG" connect "${KB[@]}" --qr --json
lost "$FULL_MSG" connect --help
lost "$FULL_MSG" --help
lost "$FULL_MSG" --version

# A closed stdout: the first write fails with EBADF.
timeout $((15 * E2E_SCALE)) "$H" channels "${KB[@]}" >&- 2>"$ERR" </dev/null
rc=$?
[ "$rc" = 1 ] || fail "channels >&- exited $rc, want 1; stderr: $(cat "$ERR")"
[ "$(cat "$ERR")" = 'hubdesk: could not write the output: Bad file descriptor' ] ||
    fail "channels >&-: stderr is: $(cat "$ERR")"
log "closed stdout: exit 1, Bad file descriptor"
sandbox_stop

# ---- a QR that is not printable text ---------------------------------------------------------
REFUSAL='the hub sent a QR code that is not printable text (control characters or invalid UTF-8),'
REFUSAL+=' which no phone can scan'
for junk in esc c1 bytes; do
    sandbox_start --qr-first-ms 60000 --qr-next-ms 60000 --qr-junk "$junk"
    KB=(--provider keebai --base-url "$SB_BASE")
    timeout $((15 * E2E_SCALE)) "$H" connect "${KB[@]}" --qr --json >"$OUT" 2>"$ERR" </dev/null
    rc=$?
    [ "$rc" = 1 ] || fail "$junk: connect --json exited $rc, want 1; stderr: $(cat "$ERR")"
    [ "$(wc -l <"$OUT")" = 1 ] || fail "$junk: --json printed other than one line: $(cat -v "$OUT")"
    ev=$(cat "$OUT")
    [ "$(json_get "$ev" event)" = failed ] || fail "$junk: not a failed event: $ev"
    [ "$(json_get "$ev" status)" = protocol ] || fail "$junk: status: $ev"
    [ "$(json_get "$ev" message)" = "$REFUSAL" ] || fail "$junk: message: $ev"
    [ "$(json_get "$ev" exit_code)" = 1 ] || fail "$junk: exit_code: $ev"
    if LC_ALL=C grep -Fqi -e $'\x1b' -e '\u001b' -e '\u009b' -e $'\xc2\x9b' -e $'\xff' "$OUT"; then
        fail "$junk: an escape or a broken byte reached stdout: $(cat -v "$OUT")"
    fi
    [ "$(cat "$ERR")" = "hubdesk: the hub's answer was not understood: $REFUSAL" ] ||
        fail "$junk: stderr: $(cat -v "$ERR")"
    timeout $((15 * E2E_SCALE)) "$H" connect "${KB[@]}" --qr >"$OUT" 2>"$ERR" </dev/null
    rc=$?
    [ "$rc" = 1 ] || fail "$junk: connect exited $rc, want 1; stderr: $(cat "$ERR")"
    [ ! -s "$OUT" ] || fail "$junk: connect printed: $(cat -v "$OUT")"
    [ "$(cat "$ERR")" = "hubdesk: the hub's answer was not understood: $REFUSAL" ] ||
        fail "$junk: stderr: $(cat -v "$ERR")"
    sandbox_stop
    log "QR with $junk: refused as a protocol error (--json: one failed event), exit 1"
done
log "pass"
