#!/usr/bin/env bash
# test_tui_focus.sh BUILD_DIR: typing never runs a command, and one customer's typing never
# fills another's form (issue 12), in the console (tmux 80x24, `hubdesk demo`, no vault):
#  0. A URL typed on the Chatt2.me account's webhook screen; Esc back to the account list; the
#     Keebai account's webhook screen has an empty URL field.
#  1. Whapi: a channel is made; its webhook screen, Tab (focus on the event list), then
#     `https://bdy` typed fast: the screen stays, the text is in the URL field, the channel
#     still exists at the hub (b did not go back, d did not ask, y did not confirm).
#  2. Every printable ASCII character, typed in each focus of the webhook screen, leaves the
#     console on that screen.
#  3. Esc back and w again on the same channel: the URL typed there is still in the field.
#  3b. d and y typed together on the channel list: the question is asked (naming the
#     channel), the y typed ahead of it is dropped; Esc answers No.
#  4. A URL typed on the Whapi account's webhook screen; Esc back to the account list; the
#     Chatt2.me account's webhook screen has an empty URL field.
#  5. Chatt2.me: Tab, then a URL typed fast: it lands in the URL field, not in the "Add a
#     channel" form; the remembered channels are unchanged.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

wchan() { sb_req GET "/_sandbox/whapi/channels/$1"; }
# The hub still has the channel ID (its sandbox record, not an error).
whapi_has() { [ -n "$(json_get "$(wchan "$1")" id)" ]; }
on_webhook() { screen_has 'URL:' && screen_has 'Events'; }
url_row() { capture && grep -E '^ +URL:' "$E2E_TXT"; }

tmux_start 80 24 xterm-256color
demo_open

# ---- 0. one account's URL does not fill another's ----------------------------------------------
pick_profile 'Sandbox Chatt2\.me +Chatt2\.me'
wait_for_screen 'WhatsApp demo' 10
keys w
wait_for_screen 'URL:' 5
keys_lit 'https://a.example/x'
wait_until 3 eval 'url_row | grep -Fq a.example' || fail "the URL was not typed: $(url_row)"
keys Escape
wait_for_screen 'WhatsApp demo' 5
keys Escape
wait_for_screen 'Hub account' 5
pick_profile 'Sandbox Keebai'
wait_for_screen 'Channels' 10
keys w
wait_for_screen 'URL:' 5
url_row | grep -Fq 'a.example' && fail "the Chatt2.me account's URL filled Keebai's form: $(url_row)"
log "Keebai's webhook screen does not show the URL typed for the Chatt2.me account"
keys Escape
wait_for_screen 'Channels' 5
keys Escape
wait_for_screen 'Hub account' 5

# ---- 1. Whapi: w, Tab, https://bdy ---------------------------------------------------------
pick_profile 'Sandbox Whapi'
wait_for_screen 'Project' 10
keys Enter
wait_for_screen 'Channels' 10
keys n
wait_for_screen 'code' 5
keys Enter # QR
wait_for_screen 'Name:' 5
keys C-u
keys_lit 'Keep me'
keys Enter
wait_until 20 eval '[ -n "$(json_get "$(wchan latest)" id)" ]' || fail "the channel was not created"
ID=$(json_get "$(wchan latest)" id)
log "channel $ID created"
wait_for_screen 'QR|code|Launching|launch' 20
for _ in 1 2 3 4; do # pairing -> how to link -> channels
    screen_has 'Channels' && break
    keys Escape
    sleep 0.5
done
wait_for_screen 'Channels' 10
wait_for_screen 'Keep me' 10
keys w
wait_for_screen 'URL:' 5
keys Tab
sleep 0.3
keys_lit 'https://bdy'
sleep 1.5
whapi_has "$ID" || fail "typing https://bdy on the webhook screen deleted the channel"
on_webhook || fail "typing https://bdy on the event list left the webhook screen: $(cat "$E2E_TXT")"
screen_has 'Delete channel' && fail "typing asked to delete the channel"
url_row | grep -Fq 'https://bdy' || fail "the typed text is not in the URL field: $(url_row)"
log "w, Tab, https://bdy: the text went to the URL field; the channel is still there"

# ---- 2. every printable character, in each focus --------------------------------------------
ALL=$(printf '%s' "$(for c in $(seq 32 126); do printf "\\$(printf %03o "$c")"; done)")
for focus in url events; do
    keys C-u
    [ "$focus" = events ] && keys Tab
    sleep 0.2
    keys_lit "$ALL"
    sleep 1.5
    whapi_has "$ID" || fail "printable keys ($focus focus) deleted the channel"
    on_webhook || fail "printable keys ($focus focus) left the webhook screen: $(cat "$E2E_TXT")"
    [ -n "$(pane_hubdesk_pid)" ] || fail "printable keys ($focus focus) quit hubdesk"
    [ "$focus" = url ] && keys Tab # back to the URL field for the next round
done
log "every printable ASCII key, in the URL field and on the event list, stays on the screen"

# ---- 3. the same channel keeps its typing -----------------------------------------------------
keys C-u
sleep 0.2
keys_lit 'https://same.example/hook'
sleep 0.5
keys Escape
wait_for_screen 'Channels' 5
keys w
wait_for_screen 'URL:' 5
url_row | grep -Fq 'same.example' || fail "back and forth on one channel lost the URL: $(url_row)"
log "Esc and w again on the same channel: the URL typed there is kept"

# ---- 3b. a y typed ahead of the question does not answer it ------------------------------------
keys Escape
wait_for_screen 'Channels' 5
keys_lit 'dy'
wait_for_screen 'Delete channel' 5
sleep 1
whapi_has "$ID" || fail "d and y typed together deleted the channel"
grep -Fq "$ID" "$E2E_TXT" || fail "the question does not name the channel: $(cat "$E2E_TXT")"
keys Escape # anything but y is No
wait_for_no_screen 'Delete channel' 5
whapi_has "$ID" || fail "Esc on the delete question deleted the channel"
log "d and y typed together: the question stays (naming the channel), the y is dropped; Esc is No"

# ---- 4. another account's webhook screen starts empty -----------------------------------------
keys Escape
wait_for_screen 'Project' 5
keys Escape
wait_for_screen 'Hub account' 5
pick_profile 'Sandbox Chatt2\.me +Chatt2\.me'
wait_for_screen 'WhatsApp demo' 10
keys w
wait_for_screen 'URL:' 5
url_row | grep -Fq 'same.example' && fail "the Whapi account's URL filled Chatt2.me's form: $(url_row)"
log "the Chatt2.me account's webhook screen does not show the Whapi URL"

# ---- 5. Chatt2.me: Tab, then a URL -------------------------------------------------------------
keys Tab
sleep 0.3
keys_lit 'https://bad.example/x'
sleep 1.5
screen_has 'Add a channel' && fail "typing on the event list opened 'Add a channel'"
on_webhook || fail "typing on Chatt2.me's event list left the webhook screen: $(cat "$E2E_TXT")"
url_row | grep -Fq 'https://bad.example/x' || fail "the URL did not reach the field: $(url_row)"
keys Escape
wait_for_screen 'WhatsApp demo' 5
wait_for_screen '3 channels' 5
log "Chatt2.me: the URL typed after Tab is in the URL field; the channel list is unchanged"

keys C-c
wait_until 5 demo_sb_gone || fail "the demo's sandbox is still running"
log "ok"
