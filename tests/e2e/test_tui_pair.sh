#!/usr/bin/env bash
# test_tui_pair.sh BUILD_DIR: the console pairs a phone end to end, at 80x24 and at 120x40.
# For each size: open the console on the sandbox hub, Enter on the name screen, the QR on screen
# decodes (dark and light themes) to the sandbox's current pairing string, the QR is replaced on
# rotation and decodes to the new string, a scan leads to "Connected" with the sandbox's channel
# id, q quits with status 0 and the shell's terminal is usable afterwards. The token given in
# HUBDESK_TOKEN is gone from the console's /proc/PID/environ while it pairs, and never on screen.
# shellcheck source=tests/e2e/lib.sh disable=SC2016 # eval strings expand later
source "$(dirname "$0")/lib.sh" "${1:-build}"

TOKEN=hubdesk-sandbox-token

pair_at() {
    local cols=$1 rows=$2 term=$3
    sandbox_start --qr-first-ms 4000 --qr-next-ms 4000 --qr-attempts 6 --scan-delay-ms 300
    tmux_start "$cols" "$rows" "$term" "HUBDESK_TOKEN=$TOKEN"
    pane_run "'$HUBDESK_BIN' --provider keebai --base-url '$SB_BASE'"
    new_qr_channel 10
    wait_for_screen 'Channel name' 10
    grep -q 'Name: *WhatsApp QR' "$E2E_TXT" || fail "the name field is not prefilled"
    keys Enter

    wait_for_screen 'QR [0-9]+ of 6' 10
    local pid
    pid=$(pane_hubdesk_pid) || fail "no hubdesk process in the pane"
    if tr '\0' '\n' <"/proc/$pid/environ" | grep -Fq -e "$TOKEN" -e 'HUBDESK_TOKEN=.'; then
        fail "the console's /proc/$pid/environ still holds the token"
    fi
    wait_qr_decodes 6
    local first=$E2E_QR attempt=$E2E_QR_ATTEMPT
    grep -q "QR $attempt of 6" "$E2E_TXT" || fail "the screen does not say QR $attempt of 6"
    log "${cols}x$rows: QR $attempt decodes on both themes"

    wait_qr_rotation "$first" 8
    [ "$E2E_QR_ATTEMPT" -gt "$attempt" ] || fail "the attempt did not advance ($E2E_QR_ATTEMPT)"
    grep -q "QR $E2E_QR_ATTEMPT of 6" "$E2E_TXT" ||
        fail "the screen does not say QR $E2E_QR_ATTEMPT of 6 after the rotation"
    log "${cols}x$rows: rotated QR $E2E_QR_ATTEMPT decodes on both themes"

    sb_scan
    wait_for_screen 'Connected' 10
    local cid phone
    { read -r cid && read -r phone; } < <(sb_latest channel_id phone_number)
    [[ $cid == ch_* ]] || fail "the sandbox has no channel id: '$cid'"
    grep -Eq "Channel id: +$cid( |$)" "$E2E_TXT" || fail "the screen does not show channel id $cid"
    grep -Fq "$phone" "$E2E_TXT" || fail "the screen does not show the phone $phone"
    if grep -Fq "$TOKEN" "$E2E_TXT"; then fail "the token is on screen"; fi
    log "${cols}x$rows: connected $cid"

    keys q
    local rc
    rc=$(pane_wait_rc 10)
    [ "$rc" = 0 ] || fail "the console exited with $rc after q"
    check_terminal_sane
    tmx kill-server
    sandbox_stop
}

pair_at 80 24 xterm-256color # bce: ncurses would erase runs of coloured spaces
pair_at 120 40 screen
log "pass"
