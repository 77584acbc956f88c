#!/usr/bin/env bash
# test_env.sh BUILD_DIR: bad environments get one clear line and a sane exit, never a crash:
# a token with line breaks or spaces, no terminal, an unknown TERM, no HOME, relative XDG paths,
# an unreadable passphrase file, and argv mistakes of the console itself.
# shellcheck source=tests/e2e/lib.sh disable=SC2016
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err
expect() {
    local want=$1; shift
    "$@" >"$OUT" 2>"$ERR" </dev/null
    local rc=$?
    [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want; stderr: $(cat "$ERR")"
    [ "$want" = 0 ] || { [ "$(wc -l <"$ERR")" = 1 ] && grep -q '^hubdesk: ' "$ERR"; } ||
        fail "'$*' should say why in one 'hubdesk:' line; stderr: $(cat "$ERR")"
}

sandbox_start
URL=$SB_BASE
# A token pasted with its line break, or with a header smuggled in, never reaches the wire.
expect 2 env HUBDESK_TOKEN=$'hubdesk-sandbox-token\r\nX-Evil: 1' "$H" connect --provider keebai --base-url "$URL" --qr
grep -q 'holds characters' "$ERR" || fail "no clear message for a bad token"
expect 2 env HUBDESK_TOKEN='two words' "$H" connect --provider keebai --base-url "$URL" --qr
expect 2 env HUBDESK_TOKEN= "$H" connect --provider keebai --base-url "$URL" --qr
expect 2 env HUBDESK_TOKEN=$'tok\nen' "$H" --provider keebai --base-url "$URL"

# The console without a terminal, and console argv mistakes.
expect 1 env HUBDESK_TOKEN=hubdesk-sandbox-token "$H" --provider keebai --base-url "$URL"
grep -q 'needs a terminal' "$ERR" || fail "no terminal: $(cat "$ERR")"
expect 2 "$H" --provider nosuch
expect 2 "$H" --base-url "$URL"
expect 2 "$H" --qr-style tiny
expect 2 "$H" --lock-after
expect 2 "$H" frobnicate
expect 2 env HUBDESK_TOKEN=x "$H" --provider keebai --base-url http://hub.example.com
expect 0 "$H" --version
expect 0 "$H" --help

# No HOME and no XDG: vault and profile commands say where they looked for nothing.
expect 1 env -u HOME -u XDG_CONFIG_HOME -u XDG_DATA_HOME "$H" profile list
grep -q 'HOME' "$ERR" || fail "no HOME: $(cat "$ERR")"
# Relative XDG paths are invalid (XDG spec) and ignored in favour of HOME.
mkdir -p "$E2E_TMP/home"
expect 0 env HOME="$E2E_TMP/home" XDG_CONFIG_HOME=rel/conf XDG_DATA_HOME=rel/data "$H" profile list
[ ! -e rel ] || fail "a relative XDG path was used"
expect 2 env HOME="$E2E_TMP/home" HUBDESK_PASSPHRASE_FILE="$E2E_TMP/missing" "$H" vault init

# An unknown TERM in a real terminal: one clear line, exit 1, and the shell is fine after.
tmux_start 80 24 screen "HUBDESK_TOKEN=hubdesk-sandbox-token"
pane_run "TERM=no-such-terminal '$H' --provider keebai --base-url '$URL' 2>&1 | head -c 300"
wait_for_screen 'check TERM|terminal' 10
check_terminal_sane
log "pass"
