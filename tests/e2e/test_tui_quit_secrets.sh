#!/usr/bin/env bash
# test_tui_quit_secrets.sh BUILD_DIR: without a vault (HUBDESK_TOKEN), a Whapi channel's token
# lives only in memory; q then asks, naming it, before it is lost (issue 12, item 5): any key
# but y keeps the console (and the token); y quits with 0. Without such a secret q quits at once.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

PARTNER=hubdesk-sandbox-partner
sandbox_start --whapi-launch-ms 300 --qr-first-ms 60000
MANAGER=$SB_URL/whapi/manager
GATE=$SB_URL/whapi/gate
tmux_start 80 24 xterm-256color "HUBDESK_TOKEN=$PARTNER"
RUN="'$HUBDESK_BIN' --provider whapi --base-url '$MANAGER' --gate-url '$GATE'"

pane_run "$RUN"
wait_for_screen 'Sandbox' 10
keys Enter
wait_for_screen 'Channels' 10
keys q
[ "$(pane_wait_rc 10)" = 0 ] || fail "q without secrets in memory did not quit with 0"
log "no secret in memory: q quits at once"

pane_run "$RUN"
wait_for_screen 'Sandbox' 10
keys Enter
wait_for_screen 'Channels' 10
keys n
wait_for_screen 'Pairing code' 5
keys Enter
wait_for_screen 'Name:' 5
keys Enter
wait_for_screen 'in memory for this session' 20
id=$(json_get "$(sb_req GET /_sandbox/whapi/channels/latest)" id)
keys q
wait_for_screen 'Quit\? 1 secret' 5
screen_has "ch/$id" || fail "the question does not name the channel's token"
keys n
sleep 0.3
screen_has 'Quit\?' && fail "n did not close the question"
kill -0 "$(pane_hubdesk_pid)" 2>/dev/null || fail "n quit hubdesk"
keys q
wait_for_screen 'Quit\? 1 secret' 5
keys y
[ "$(pane_wait_rc 10)" = 0 ] || fail "y did not quit with 0"
log "a channel token in memory: q asks, naming it; n stays, y quits"
