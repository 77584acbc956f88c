#!/usr/bin/env bash
# test_tui_vault_autolock.sh BUILD_DIR: the console locks itself after --lock-after 1 minute
# without a key (about 70 s: the shortest idle time is one minute).
# Vault and profile are made in line mode; the console unlocks and starts a pairing whose QR
# lives long; one key 5 s later restarts the idle time. 57 s after that key (over 60 s after the
# unlock, so the first idle check saw the key and waited on) the console must still show the
# pairing; by 60 s after the key it shows the unlock screen saying why, the pairing stream is
# closed, and the canary token is in neither /proc/PID/cmdline nor environ nor on screen.
# Ctrl-C then quits with 0.
# shellcheck source=tests/e2e/lib.sh disable=SC2016 # eval strings expand later
source "$(dirname "$0")/lib.sh" "${1:-build}"

CANARY=hdcanary-$RANDOM$RANDOM-auto-Pq3R
PASS='an autolock test passphrase'
H=$E2E_TMP/home
mkdir -m 700 "$H"
export HOME=$H XDG_DATA_HOME=$H/data XDG_CONFIG_HOME=$H/config
printf '%s\n' "$CANARY" >"$E2E_TMP/token"
printf '%s\n' "$PASS" >"$E2E_TMP/pass"
hd() { HUBDESK_PASSPHRASE_FILE=$E2E_TMP/pass "$HUBDESK_BIN" "$@"; }

sandbox_start --token-file "$E2E_TMP/token" --qr-first-ms 120000 --qr-next-ms 120000 \
    --qr-attempts 2 --keepalive-ms 300
hd vault init >"$E2E_TMP/out" 2>&1 || fail "vault init: $(cat "$E2E_TMP/out")"
printf '%s\n' "$CANARY" | hd profile add sb --provider keebai --base-url "$SB_BASE" \
    >"$E2E_TMP/out" 2>&1 || fail "profile add: $(cat "$E2E_TMP/out")"

tmux_start 120 40 xterm-256color "HOME=$H" "XDG_DATA_HOME=$XDG_DATA_HOME" \
    "XDG_CONFIG_HOME=$XDG_CONFIG_HOME"
pane_run "'$HUBDESK_BIN' --lock-after 1"
wait_for_screen 'Unlock the vault' 10
keys_lit "$PASS"
keys Enter
wait_for_screen ' sb +Keebai' 15
CONSOLE_PID=$(pane_hubdesk_pid) || fail "no hubdesk process in the pane"
keys Enter
new_qr_channel 5
wait_for_screen 'Channel name' 5
keys Enter
wait_for_screen 'QR [0-9]+ of [0-9]+' 10
wait_until 5 eval '[ "$(sb_latest open_streams)" = 1 ]' || fail "no stream open while pairing"
sleep 5
keys C-l # any key restarts the idle time
last_key=$(now_ms)
log "pairing; idle from now on"

while [ $(($(now_ms) - last_key)) -lt 57000 ]; do
    sleep 1
    screen_has 'QR [0-9]+ of [0-9]+' || fail "locked less than 57 s after the last key"
done
log "still pairing 57 s after the last key"
wait_until 8 screen_has 'Unlock the vault' || fail "not locked 65 s after the last key"
log "locked $(($(now_ms) - last_key)) ms after the last key"
grep -q 'locked after 1 minute' "$E2E_TXT" || fail "the unlock screen does not say why"
wait_until 5 eval '[ "$(sb_latest open_streams)" = 0 ]' || fail "the auto-lock left the stream open"
for f in cmdline environ; do
    if tr '\0' '\n' <"/proc/$CONSOLE_PID/$f" | grep -Fq "$CANARY"; then
        fail "the canary is in /proc/$CONSOLE_PID/$f"
    fi
done
if grep -Fq "$CANARY" "$E2E_CAP"; then fail "the canary is on screen"; fi
keys C-c
rc=$(pane_wait_rc 10)
[ "$rc" = 0 ] || fail "Ctrl-C on the unlock screen: exit $rc"
check_terminal_sane
log "pass"
