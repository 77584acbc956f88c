#!/usr/bin/env bash
# test_tui_hubmessage.sh BUILD_DIR: a HubMessage onboarding in the console, as an agent does it
# after the customer ran HubMessage's connect flow (tmux 80x24, `hubdesk demo`: its sandbox
# over real HTTP, no vault):
#  1. The demo's "Sandbox HubMessage" account: the channel list is empty and says how to start.
#  2. n: the channel name -> the hub creates the channel (the sandbox holds it, CREATED) ->
#     the connect form names it.
#  3. Local checks: letters in the WABA id are refused under that field and nothing is sent
#     (the sandbox's request log); the code is masked (bullets) as it is typed.
#  4. The code EXPIRED: the hub's INVALID_CODE refusal shows under the Code field; the channel
#     stays unconnected. A good code with coexistence on: Connected; the sandbox holds the
#     ids and coexistence; h reads the status (CONNECTED).
#  5. m: a test message to a number ending in an even digit (inside the 24 h window): its
#     status and the hub's message id. An odd one: the hub's OUTSIDE_WINDOW refusal with the
#     24-hour-window explanation, nothing sent; once the customer writes (sandbox control),
#     Enter again sends it.
#  6. Back on the channel list the created channel is listed; q quits, the demo's sandbox is
#     gone.
# The secret key and the good code never reach the screen.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

KEY=hm_sk_sandbox
CODE=AQBe2eCode-$RANDOM$RANDOM-zQ7
WABA=104857600123456
PHONE_ID=109876543210987

eval "lib_capture() $(declare -f capture | tail -n +2)"
capture() {
    lib_capture || return 1
    if grep -Fq -e "$KEY" -e "$CODE" "$E2E_CAP"; then fail "the secret key or the code is on screen"; fi
}

hm_state() { sb_req GET /_sandbox/hubmessage; }
hm_channel() { sb_req GET "/_sandbox/hubmessage/channels/$1"; }
# Requests the console made to HubMessage whose path ends with SUFFIX.
hm_requests() {
    json_eval "$(sb_req GET /_sandbox/test/log)" \
        "len([e for e in j if e.get('hub') == 'hubmessage' and e['path'].endswith('$1')])"
}
hm_messages() { json_eval "$(hm_state)" "len(j.get('messages') or [])"; }

tmux_start 80 24 xterm-256color

# ---- 1. the demo's HubMessage account ----------------------------------------------------------
demo_open
pick_profile 'Sandbox HubMessage +HubMessage'
wait_for_screen 'No channel yet' 10
grep -q 'Press n to create one' "$E2E_TXT" || fail "the empty channel list does not say to press n"
log "empty HubMessage channel list"

# ---- 2. a new channel ----------------------------------------------------------------------
keys n
wait_for_screen 'Channel name' 5
wait_for_screen 'Name: *WhatsApp *$' 5
grep -q 'Enter create channel, then connect form' "$E2E_TXT" ||
    fail "the name screen does not say what Enter does for HubMessage"
grep -qi 'pairing\|WhatsApp QR' "$E2E_TXT" && fail "the name screen speaks of QR pairing for HubMessage"
keys C-u
keys_lit 'Loja Centro'
keys Enter
wait_for_screen 'Connect with the signup code' 10
ch=$(hm_channel latest) || fail "the sandbox has no channel: $ch"
cid=$(json_get "$ch" id)
[ "$(json_get "$ch" name)" = 'Loja Centro' ] || fail "the channel's name is not the one typed: $ch"
[ "$(json_get "$ch" type)" = META_WHATSAPP ] || fail "the channel's type: $ch"
[ "$(json_get "$ch" status)" = CREATED ] || fail "the new channel is not CREATED: $ch"
grep -Fq "Channel $cid" "$E2E_TXT" || fail "the connect form does not name channel $cid"
screen_joined_has 'hubdesk never asks for it.' || fail "the connect intro is cut"
screen_joined_has 'the code EXPIRED is refused.' || fail "the demo's rules are cut"
for f in 'WABA id:' 'Phone number id:' 'Code:' 'Coexistence:'; do
    grep -Fq "$f" "$E2E_TXT" || fail "the connect form has no '$f' field"
done
log "channel $cid created (CREATED in the hub); the connect form names it"

# ---- 3. local checks: nothing sent -----------------------------------------------------------
connects_before=$(hm_requests /connect)
keys_lit '12a456789'
keys Tab
keys_lit "$PHONE_ID"
keys Tab
keys_lit 'EXPIRED'
wait_for_screen 'Code: +•{7}( |$)' 5
keys Enter
wait_for_screen 'digits only' 5
screen_below 'WABA id:' 'WABA id is digits only' ||
    fail "the WABA id's error is not under its field"
sleep 0.3
[ "$(hm_requests /connect)" = "$connects_before" ] || fail "a WABA id with letters reached the hub"
log "letters in the WABA id: refused under the field, nothing sent; the code shows bullets"

# ---- 4. EXPIRED refused by the hub, then a good code ---------------------------------------
# A local refusal puts the cursor in the refused field.
cursor_on 'WABA id:' || fail "the cursor is not in the refused WABA id field"
keys C-u
keys_lit "$WABA"
keys Enter
wait_for_screen 'authorization code expired' 10
screen_below 'Code:' 'authorization code expired' ||
    fail "the hub's refusal of the code is not under the Code field"
screen_below 'Code:' 'INVALID_CODE' || fail "the hub's INVALID_CODE is not under the Code field"
cursor_on 'Code:' || fail "after the hub refused the code, the cursor is not in the Code field"
[ "$(hm_requests /connect)" = $((connects_before + 1)) ] || fail "EXPIRED: not exactly one connect call"
[ "$(json_get "$(hm_channel "$cid")" status)" = CREATED ] || fail "the channel connected with EXPIRED"
log "code EXPIRED: the hub's refusal under the Code field; the channel is not connected"

form_focus 'Code:'
keys C-u
keys_lit "$CODE"
keys Tab
wait_for_screen 'Coexistence: +\[ \] no' 5
keys Space
wait_for_screen 'Coexistence: +\[x\] yes' 5
keys Enter
wait_for_screen 'Connected: the number is linked' 10
grep -Eq "Channel id: +$cid" "$E2E_TXT" || fail "the result does not show channel $cid"
grep -Eq 'Name: +Loja Centro' "$E2E_TXT" || fail "the result does not show the name"
grep -Eq "WABA id: +$WABA" "$E2E_TXT" || fail "the result does not show the WABA id"
grep -Eq "Phone number id: +$PHONE_ID" "$E2E_TXT" || fail "the result does not show the phone id"
grep -Eq 'Coexistence: +yes' "$E2E_TXT" || fail "the result does not show coexistence"
ch=$(hm_channel "$cid")
[ "$(json_get "$ch" status)" = CONNECTED ] || fail "the hub's channel is not CONNECTED: $ch"
[ "$(json_get "$ch" wabaId)" = "$WABA" ] || fail "wabaId not sent: $ch"
[ "$(json_get "$ch" phoneId)" = "$PHONE_ID" ] || fail "phoneId not sent: $ch"
[ "$(json_get "$ch" coexistence)" = True ] || fail "coexistence not sent as true: $ch"
grep -q 'Send a test message (m)' "$E2E_TXT" || fail "the result does not offer the test message (m)"
keys h
wait_for_screen 'Status: CONNECTED' 10
log "good code + coexistence: Connected; the hub holds the ids; h: CONNECTED"

# ---- 5. test messages ------------------------------------------------------------------------
keys m
wait_for_screen 'Test message' 5
wait_for_screen 'To:' 5
grep -Fq "From channel $cid" "$E2E_TXT" || fail "the test form does not say which channel"
grep -q 'Message: .*Hello from hubdesk' "$E2E_TXT" || fail "the test form has no default text"
sent=$(hm_messages)
keys_lit '5511987654322'
keys Enter
wait_for_screen 'Message id: [0-9a-f-]{36}' 10
grep -q 'Status: accepted' "$E2E_TXT" || fail "no accepted status after an even number"
st=$(hm_state)
mid=$(json_eval "$st" "j['messages'][-1]['messageId']")
[ "$(json_eval "$st" "j['messages'][-1]['to']")" = 5511987654322 ] || fail "wrong recipient: $st"
grep -Fq "Message id: $mid" "$E2E_TXT" || fail "the message id on screen is not the hub's ($mid)"
[ "$(hm_messages)" = $((sent + 1)) ] || fail "the hub did not get exactly one message"
log "even number: sent, message id $mid"

keys C-u
keys_lit '5511987654321'
keys Enter
wait_for_screen 'OUTSIDE_WINDOW' 10
screen_joined_has 'not written in the last 24 hours' || fail "the hub's words are not on screen"
[ "$(hm_messages)" = $((sent + 1)) ] || fail "a message outside the window went out"
screen_has 'Status: accepted' && fail "the previous result is still shown after a refusal"
screen_below 'To:' 'OUTSIDE_WINDOW' || fail "OUTSIDE_WINDOW is not under the To: field"
screen_joined_has "24-hour customer window: free text only reaches a customer who wrote to \
this number in the last 24 hours" || fail "a message outside the 24 h window: no explanation"
screen_joined_has 'only approved templates go out' || fail "the 24 h explanation is cut"
log "odd number: the hub's OUTSIDE_WINDOW refusal, nothing sent"

sb_req POST /_sandbox/hubmessage/window/5511987654321 >/dev/null || fail "window control refused"
keys Enter
wait_for_screen 'Status: accepted' 10
[ "$(hm_messages)" = $((sent + 2)) ] || fail "the message did not go out once the window opened"
screen_joined_has 'Demo: numbers ending in an even digit wrote in the last 24 h; odd ones did not.' ||
    fail "the demo's rule for test messages is cut at 80 columns"
log "once the customer wrote: Enter again sends it"

# ---- 6. the list, quit ---------------------------------------------------------------------
keys Escape
wait_for_screen 'Connected: the number is linked' 5
keys Escape
wait_for_screen 'hubdesk › Channels' 10
wait_for_screen 'Loja Centro' 5
grep -q '1 channel' "$E2E_TXT" || fail "the channel list does not count the created channel"
connects_before=$(hm_requests /connect)
keys Enter
wait_for_screen 'This channel is connected already' 10
grep -q 'Connect with the signup code' "$E2E_TXT" && fail "Enter on a connected channel opened the form"
wait_for_screen 'Status: CONNECTED' 5
grep -Eq "WABA id: +$WABA" "$E2E_TXT" || fail "the hub's WABA id is not on the reopened result"
[ "$(hm_requests /connect)" = "$connects_before" ] || fail "Enter on a connected channel connected again"
keys m
wait_for_screen 'Test message' 5
# offered with its '+', so a profile's country never reads it as a national number
grep -Eq 'To: +\+5511987654321' "$E2E_TXT" || fail "the test form does not offer the last recipient"
keys Escape
wait_for_screen 'This channel is connected already' 5
keys Escape
wait_for_screen 'hubdesk › Channels' 10
log "Enter on the connected channel: its result (CONNECTED), not a second connect"
keys q
[ "$(pane_wait_rc 10)" = 0 ] || fail "hubdesk did not exit 0"
wait_until 5 demo_sb_gone || fail "the demo's sandbox is still running after q"
SB_URL='' SB_PID=''
check_terminal_sane
log pass
