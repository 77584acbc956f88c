#!/usr/bin/env bash
# test_tui_chatt2me.sh BUILD_DIR: checking Chatt2.me channels and setting its webhooks in the
# console (tmux 80x24, `hubdesk demo`: its sandbox over real HTTP, no vault):
#  1. The demo's "Sandbox Chatt2.me" account lists its remembered channels (WhatsApp, SMS and
#     Telegram demo, the sandbox's UUIDs).
#  2. n adds a channel: a bad UUID is refused under the field; a good one with its kind
#     (Instagram, chosen with Space) and a name is listed; nothing is sent to the hub.
#  3. Enter on WhatsApp demo: the test form. A national number (no country on the profile) is
#     refused under To (nothing sent); +55 11 99398-6082, shown under the field as what the hub
#     gets (5511993986082): status enqueued and the hub's message id; one ending in 0000: status
#     error with the hub's RECIPIENT_UNREACHABLE and its message.
#  4. SMS demo: the WhatsApp number is not offered again; a national number is refused; digits
#     with the country code are sent with the + SMS takes (status sent). The WhatsApp channel's id added again as Telegram replaces
#     its entry; a test from it shows CHANNEL_KIND_MISMATCH with what to do; added again as
#     WhatsApp, it is fixed.
#  5. w: the screen says what Chatt2.me does with a webhook (no signing secret; it calls the
#     endpoint first, which must answer 2xx); an http:// URL is refused before anything is
#     sent; https://hooks.example/x with both events sets two webhooks (read back from the
#     hub's API with the x-api-key); a host the hub cannot verify shows
#     ENDPOINT_VERIFICATION_FAILED with the verification rule under it, and no webhook is added.
#  6. d + y on Telegram demo forgets it (the hub is not asked); q quits, the demo's sandbox
#     is gone.
# The application key never reaches the screen.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

KEY=c2m_app_sandbox
WA=6cbd6789-1d2b-47e0-9391-5eb91d2839ea
SMS=2f1c6a34-8f0e-4b7a-9d2c-5a7e3b1c9d10
IG=3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f

eval "lib_capture() $(declare -f capture | tail -n +2)"
capture() {
    lib_capture || return 1
    if grep -Fq -e "$KEY" "$E2E_CAP"; then fail "the application key is on screen"; fi
}

c2m_state() { sb_req GET /_sandbox/chatt2me; }
c2m_messages() { json_eval "$(c2m_state)" "len(j.get('messages') or [])"; }
# Requests the console made to Chatt2.me (all paths, or those containing PART).
c2m_requests() {
    json_eval "$(sb_req GET /_sandbox/test/log)" \
        "len([e for e in j if e.get('hub') == 'chatt2me' and '${1:-}' in e['path']])"
}
# The channel list's cursor to the first row (Up stops there).
list_top() { keys Up Up Up Up Up Up Up Up; }
hooks() { sb_req_h GET /chatt2me/v1/organization/webhook "x-api-key: $KEY"; }

tmux_start 80 24 xterm-256color

# ---- 1. the remembered channels --------------------------------------------------------------
demo_open
pick_profile 'Sandbox Chatt2\.me +Chatt2\.me'
wait_for_screen 'WhatsApp demo' 10
for n in 'SMS demo' 'Telegram demo' '3 channels'; do
    grep -q "$n" "$E2E_TXT" || fail "the channel list does not show '$n'"
done
log "the demo's Chatt2.me channels are listed"

# ---- 2. add a channel ------------------------------------------------------------------------
reqs=$(c2m_requests)
keys n
wait_for_screen 'Add a channel' 5
wait_for_screen 'Channel id:' 5
keys_lit 'not-a-uuid'
keys Enter
wait_for_screen 'is a UUID' 5
screen_below 'Channel id:' 'is a UUID' || fail "the bad UUID's error is not under the field"
keys C-u
keys_lit "$IG"
keys Tab
wait_for_screen 'Kind: +. WhatsApp .' 5
keys Space
wait_for_screen 'Kind: +. Instagram .' 5
keys Tab
keys_lit 'Insta demo'
keys Enter
wait_for_screen 'Insta demo' 10
wait_for_screen '4 channels' 5
grep -q 'remembered for this profile' "$E2E_TXT" || fail "no notice that the channel is remembered"
[ "$(c2m_requests)" = "$reqs" ] || fail "adding a channel sent something to the hub"
log "bad UUID refused under the field; an Instagram channel added, nothing sent"

# ---- 3. WhatsApp test messages -----------------------------------------------------------------
list_top
keys Enter
wait_for_screen 'Test message' 5
wait_for_screen "From WhatsApp channel $WA \\(WhatsApp demo\\)" 5
sent=$(c2m_messages)
msgreqs=$(c2m_requests /communication/)
keys_lit '(11) 99398-6082'
keys Enter
wait_for_screen 'this is a national number' 5
screen_below 'To:' 'this is a national number' ||
    fail "the refused recipient's message is not under To:"
sleep 0.3
[ "$(c2m_requests /communication/)" = "$msgreqs" ] || fail "a national number reached the hub"
keys C-u
keys_lit '+55 11 99398-6082'
wait_for_screen 'Reads as \+55 11 99398-6082; the hub gets 5511993986082\.' 5
keys Enter
wait_for_screen 'Status: enqueued' 10
st=$(c2m_state)
mid=$(json_eval "$st" "j['messages'][-1]['answer']['messageId']")
[ "$(json_eval "$st" "j['messages'][-1]['to']")" = 5511993986082 ] || fail "wrong recipient: $st"
[ "$(json_eval "$st" "j['messages'][-1]['from']")" = "$WA" ] || fail "wrong channel: $st"
grep -Fq "Message id: $mid" "$E2E_TXT" || fail "the message id on screen is not the hub's ($mid)"
log "WhatsApp: a national number without a country refused locally; +55 11 99398-6082 enqueued as 5511993986082 with id $mid"

keys C-u
keys_lit '5511993980000'
keys Enter
wait_for_screen 'Status: error' 10
wait_for_screen 'RECIPIENT_UNREACHABLE' 5
grep -q 'cannot be reached on this channel' "$E2E_TXT" || fail "the hub's error message is missing"
[ "$(c2m_messages)" = $((sent + 2)) ] || fail "the hub did not get both messages"
log "a recipient ending in 0000: Status error, RECIPIENT_UNREACHABLE and its message"

# ---- 4. SMS ------------------------------------------------------------------------------------
keys Escape
wait_for_screen 'WhatsApp demo' 5
list_top
keys Down Enter
wait_for_screen "From SMS channel $SMS \\(SMS demo\\)" 5
wait_for_screen 'To: *$' 5 # a WhatsApp number is not offered to an SMS channel
keys_lit '011 94457-4999'
keys Enter
wait_for_screen 'this is a national number' 5
screen_below 'To:' 'this is a national number' || fail "the SMS recipient's refusal is not under To:"
keys C-u
keys_lit '5511944574999'
wait_for_screen 'the hub gets \+5511944574999\.' 5
keys Enter
wait_for_screen 'Status: sent' 10
st=$(c2m_state)
[ "$(json_eval "$st" "j['messages'][-1]['kind']")" = sms ] || fail "not sent on the SMS channel: $st"
[ "$(json_eval "$st" "j['messages'][-1]['to']")" = +5511944574999 ] || fail "wrong SMS recipient: $st"
log "SMS: a national number refused; 5511944574999 sent as +5511944574999"

# ---- 4b. a channel added with the wrong kind, then fixed by adding it again ------------------
keys Escape
wait_for_screen 'Insta demo' 5
keys n
wait_for_screen 'Channel id:' 5
keys_lit "$WA"
keys Tab
wait_for_screen 'Kind: +. WhatsApp .' 5
keys Space Space Space
wait_for_screen 'Kind: +. Telegram .' 5
keys Tab
keys_lit 'Wrong kind'
keys Enter
wait_for_screen 'Wrong kind +telegram' 10
grep -q '4 channels' "$E2E_TXT" || fail "adding a known id again did not replace its entry"
grep -q 'WhatsApp demo' "$E2E_TXT" && fail "the old entry of $WA is still listed"
list_top
keys Enter
wait_for_screen "From Telegram channel $WA \\(Wrong kind\\)" 5
wait_for_screen 'To: *$' 5 # an SMS number is not offered to a Telegram channel
keys_lit '123456789'
keys Enter
wait_for_screen 'CHANNEL_KIND_MISMATCH' 10
screen_joined_has 'The channel was added with the wrong kind' ||
    fail "CHANNEL_KIND_MISMATCH is shown without what to do about it"
log "a channel added with the wrong kind: CHANNEL_KIND_MISMATCH and what to do, on the test screen"
keys Escape
wait_for_screen 'Wrong kind' 5
keys n
wait_for_screen 'Channel id:' 5
keys_lit "$WA"
keys Tab
wait_for_screen 'Kind: +. WhatsApp .' 5
keys Tab
keys_lit 'WhatsApp demo'
keys Enter
wait_for_screen 'WhatsApp demo +whatsapp' 10
log "added again with its real kind: the entry is replaced"

# ---- 5. webhooks -------------------------------------------------------------------------------
wait_for_screen 'SMS demo' 5
keys w
wait_for_screen 'URL:' 5
grep -Eq '\[.\] Message +a customer sent a message' "$E2E_TXT" || fail "the Message event is not explained"
grep -Eq '\[.\] MessageStatus +a sent message was delivered or read' "$E2E_TXT" ||
    fail "the MessageStatus event is not explained"
wait_for_screen '\[x\] Message$|\[x\] Message ' 5
wait_for_screen '\[x\] MessageStatus' 5
# Chatt2.me hands out no signing secret (its answer is id, label, endpoint, eventType, active).
if screen_joined_has 'signing secret once' || screen_joined_has 'straight into the vault'; then
    fail "the webhook screen promises a signing secret Chatt2.me does not hand out"
fi
screen_joined_has 'no signing secret' || fail "the webhook screen does not say there is no signing secret"
screen_joined_has 'It calls the URL first: the endpoint must answer with a 2xx status' ||
    fail "the webhook screen does not explain the endpoint verification before the URL is sent"
log "webhook screen: no signing secret promised; the endpoint-verification rule is stated"
hookreqs=$(c2m_requests /organization/webhook)
keys_lit 'http://hooks.example/x'
keys Enter
wait_for_screen 'must start with https://' 5
sleep 0.3
[ "$(c2m_requests /organization/webhook)" = "$hookreqs" ] || fail "an http:// webhook reached the hub"
keys C-u
keys_lit 'https://hooks.example/x'
keys Enter
wait_for_screen 'Webhooks set' 10
h=$(hooks) || fail "the hub's webhook list: $h"
"$PY" -c '
import json, sys
d = json.loads(sys.argv[1])["data"]
assert len(d) == 2, d
assert sorted(w["eventType"] for w in d) == ["Message", "MessageStatus"], d
assert all(w["endpoint"] == "https://hooks.example/x" and w["active"] for w in d), d
' "$h" || fail "the hub does not hold the two webhooks: $h"
for id in $(json_eval "$h" "' '.join(w['id'] for w in j['data'])"); do
    screen_joined_has "$id" || fail "webhook $id is not on screen"
done
log "webhook: http:// refused locally; https sets Message and MessageStatus"
hookreqs=$(c2m_requests /organization/webhook)
keys Enter # again: the same URL and events would be registered twice (issue 12, item 3)
wait_for_screen 'a moment ago' 5
sleep 0.3
[ "$(c2m_requests /organization/webhook)" = "$hookreqs" ] || fail "Enter again sent the webhook again"
[ "$(json_eval "$(hooks)" "len(j['data'])")" = 2 ] || fail "the hub holds more than 2 webhooks: $(hooks)"
log "Enter again: not sent twice, said on screen"

keys C-u
keys_lit 'https://unreachable.example/hook'
keys Enter
wait_for_screen 'ENDPOINT_VERIFICATION_FAILED' 10
[ "$(json_eval "$(hooks)" "len(j['data'])")" = 2 ] || fail "a webhook was added for the unreachable host"
# The rule behind the refusal, in the words line mode uses, right under the hub's words.
screen_joined_has 'The hub calls the endpoint when the webhook is registered' ||
    fail "ENDPOINT_VERIFICATION_FAILED: the endpoint-verification rule is not explained"
screen_joined_has 'answer that verification request with a 2xx status' ||
    fail "ENDPOINT_VERIFICATION_FAILED: the explanation does not say the endpoint must answer 2xx"
screen_below 'ENDPOINT_VERIFICATION_FAILED' 'The hub calls the endpoint' 3 ||
    fail "the verification rule is not under the hub's refusal"
log "an endpoint the hub cannot verify: ENDPOINT_VERIFICATION_FAILED and the rule, nothing added"

# ---- 6. forget a channel, quit -------------------------------------------------------------------
keys Escape
wait_for_screen 'Telegram demo' 5
reqs=$(c2m_requests)
list_top
keys Down Down Enter
wait_for_screen 'From Telegram channel' 5
keys Escape
wait_for_screen 'Telegram demo' 5
keys d
wait_for_screen 'Forget channel Telegram demo' 5
keys y
wait_for_no_screen 'Telegram demo' 5
wait_for_screen '3 channels' 5
[ "$(c2m_requests)" = "$reqs" ] || fail "forgetting a channel sent something to the hub"
log "d + y: Telegram demo forgotten, the hub not asked"
keys q
[ "$(pane_wait_rc 10)" = 0 ] || fail "hubdesk did not exit 0"
wait_until 5 demo_sb_gone || fail "the demo's sandbox is still running after q"
SB_URL='' SB_PID=''
check_terminal_sane
log pass
