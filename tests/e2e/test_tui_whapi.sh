#!/usr/bin/env bash
# test_tui_whapi.sh BUILD_DIR: a Whapi.Cloud onboarding in the console, as an agent does it
# (tmux 80x24, sandbox over real HTTP, token from HUBDESK_TOKEN, no vault):
#  1. the project list -> the channel list of that project -> n: a new channel -> QR mode ->
#     the name -> the hub creates it (its token kept for the session, said on screen) -> the
#     health progresses to QR -> the rowdata QR decodes from the pane (zbar) and follows a
#     rotation -> the sandbox's scan -> Connected with the channel's mode and active-till.
#  2. h: the status reads AUTH with its meaning; w: the webhook with an http:// URL is refused
#     on screen before anything is sent; an https URL is set (the sandbox holds the seed's
#     body); l + y: live mode.
#  3. Back on the channel list: the new channel is listed; d + y deletes it.
#  4. A second channel paired with a pairing code: a national phone without a country is refused
#     on screen (type +CC or set the profile's country); under the field, how a number reads and
#     what the hub gets, with Brazil's ninth-digit warning for +55 11 8765-4321 (kept as typed);
#     +55 11 98765-4321 reaches the hub as 5511987654321, the code screen shows it grouped, the
#     code in block letters and as text (ABCD-EFGH); the scan connects.
#  5. A vault profile with --country BR: (11) 98765-4321 reads as +55 11 98765-4321 under the
#     field and reaches the hub as 5511987654321.
# The partner token and channel tokens never reach the screen.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

PARTNER=hubdesk-sandbox-partner
sandbox_start --whapi-launch-ms 600 --qr-first-ms 3000 --qr-next-ms 2500 --qr-attempts 20
MANAGER=$SB_URL/whapi/manager
GATE=$SB_URL/whapi/gate

wchan() { sb_req GET /_sandbox/whapi/channels/latest; }
wfield() { json_get "$(wchan)" "$1"; }

eval "lib_capture() $(declare -f capture | tail -n +2)"
capture() {
    lib_capture || return 1
    if grep -Fq -e "$PARTNER" "$E2E_CAP"; then fail "the partner token is on screen"; fi
    local tok
    tok=$(wfield token 2>/dev/null)
    if [ -n "$tok" ] && grep -Fq -e "$tok" "$E2E_CAP"; then fail "a channel token is on screen"; fi
}

# The pane's QR is the channel's current rowdata (asked before and after the capture).
rowdata_decodes() {
    local before after
    before=$(wfield rowdata) || return 1
    [ -n "$before" ] || return 1
    qr_decodes "$before" both || return 1
    after=$(wfield rowdata) || return 1
    [ "$before" = "$after" ] || return 1
    E2E_QR=$before
}

tmux_start 80 24 xterm-256color "HUBDESK_TOKEN=$PARTNER"
pane_run "'$HUBDESK_BIN' --provider whapi --base-url '$MANAGER' --gate-url '$GATE'"

# ---- 1. project, channels, new channel, QR, scan ---------------------------------------
wait_for_screen 'Project' 10
wait_for_screen 'Sandbox' 10
keys Enter
wait_for_screen 'Channels' 10
keys n
wait_for_screen 'QR' 5
wait_for_screen 'code' 5
keys Enter # QR is the first mode
wait_for_screen 'Name:' 5
keys C-u
keys_lit 'Loja Centro'
keys Enter
wait_until 20 rowdata_decodes || fail "the rowdata QR does not decode: $(cat "$E2E_TMP/pane_qr.out")"
first=$E2E_QR
log "channel created; its rowdata QR decodes from the 80x24 pane"
screen_has 'in memory for this session' || screen_has 'token' ||
    fail "the screen does not say where the channel token went"
wait_until 20 eval 'rowdata_decodes && [ "$E2E_QR" != "$first" ]' ||
    fail "the pane does not follow the rowdata rotation"
log "the QR follows the rowdata rotation"
sb_req POST /_sandbox/whapi/channels/latest/scan >/dev/null || fail "sandbox refused the scan"
wait_for_screen 'Connected' 20
grep -q 'Mode:' "$E2E_TXT" || fail "the result does not show the channel's mode"
grep -q 'Active till:' "$E2E_TXT" || fail "the result does not show active till"
log "scan -> Connected, with mode and active till"

# ---- 2. status, webhook, live -----------------------------------------------------------
keys h
wait_for_screen 'Status: AUTH' 10
keys w
wait_for_screen 'URL:' 5
# Junk typed into the URL field: control bytes, spaces and non-ASCII never enter a URL.
keys_lit $'\x01\x02\x07\x0b\x10 \xc3\xa9\xe4\xb8\xad\xf0\x9f\x8e\x89 '
sleep 0.3
screen_has 'URL: *$' || fail "junk entered the URL field: $(grep 'URL:' "$E2E_TXT")"
keys_lit 'http://example.com/hook'
keys Enter
wait_for_screen 'https://' 5
[ "$(json_get "$(wchan)" settings)" = "" ] || fail "an http:// webhook reached the hub"
keys C-u
keys_lit 'https://example.com/hook'
keys Enter
wait_for_screen 'Webhook set' 10
settings=$(wfield settings)
"$PY" -c '
import json, sys
s = json.loads(sys.argv[1])
w = s["webhooks"][0]
assert w["url"] == "https://example.com/hook", w
assert w["mode"] == "body", w
assert sorted(e["type"] for e in w["events"]) == ["channel", "users"], w
assert all(e["method"] == "post" for e in w["events"]), w
assert s["callback_persist"] is True, s
' "$settings" || fail "the hub did not get the seed's settings body: $settings"
log "webhook: http refused on screen, https set with the seed's body"
keys Escape
wait_for_screen 'Connected' 5
keys l
wait_for_screen 'live mode' 5
keys y
wait_until 10 eval '[ "$(wfield mode)" = live ]' || fail "the channel did not switch to live"
log "live mode after confirmation"

# ---- 3. the list, delete ----------------------------------------------------------------
keys Enter
wait_for_screen 'Loja Centro' 10
# Junk on the list: keys it does not use, paging keys past both ends; it stays, and alive.
CONSOLE_PID=$(pane_hubdesk_pid) || fail "no hubdesk process in the pane"
keys_lit 'zZxX!@#%^&*()_+=-~0123456789'
sleep 0.3
screen_has 'Loja Centro' || fail "printable junk left the channel list"
keys PPage NPage Home End F5 F12 IC Up Up Up Down Down Down Down
sleep 0.3
kill -0 "$CONSOLE_PID" || fail "junk on the channel list killed hubdesk"
screen_has 'Loja Centro' || fail "junk left the channel list"
screen_has 'Delete' && fail "junk asked to delete a channel"
id=$(wfield id)
keys d
wait_for_screen 'Delete' 5
keys y
wait_until 10 eval '! sb_req GET /_sandbox/whapi/channels/'"$id"' >/dev/null' ||
    fail "the channel was not deleted"
wait_for_no_screen 'Loja Centro' 10
log "channel deleted from the list after confirmation"

# ---- 4. pairing code ----------------------------------------------------------------------
keys n
wait_for_screen 'code' 5
keys Down Enter
wait_for_screen 'Phone:' 5
keys_lit '(11) 98765-4321'
keys Enter
wait_for_screen "profile's country" 5
log "a national phone without a country: refused on screen"
keys C-u
keys_lit '+55 11 8765-4321'
wait_for_screen 'Reads as \+55 11 8765-4321; the hub gets 551187654321\.' 5
screen_joined_has 'may need a 9 in front' || fail "no ninth-digit warning: $(cat "$E2E_TXT")"
log "+55 11 8765-4321: the ninth-digit warning under the field, the number kept as typed"
keys C-u
keys_lit '+55 11 98765-4321'
wait_for_screen 'Reads as \+55 11 98765-4321; the hub gets 5511987654321\.' 5
screen_joined_has 'may need a 9' && fail "a warning for a 9-digit mobile"
keys Enter
wait_for_screen 'Code: [0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}' 20
grep -q 'with phone number' "$E2E_TXT" || fail "the code screen does not say where to type it"
grep -q 'Phone: +55 11 98765-4321' "$E2E_TXT" || fail "the code screen does not show the number"
[ "$(wfield login_phone)" = 5511987654321 ] || fail "the hub got the phone as $(wfield login_phone)"
log "pairing code shown: $(grep -oE 'Code: [0-9A-Z-]+' "$E2E_TXT"), the hub got 5511987654321"
sb_req POST /_sandbox/whapi/channels/latest/scan >/dev/null || fail "sandbox refused the scan"
wait_for_screen 'Connected' 20
log "code pairing -> Connected"
keys q # the channel tokens live only in memory (no vault): q asks first
wait_for_screen 'Quit\? 1 secret' 5 # the deleted channel's token was dropped
keys y
[ "$(pane_wait_rc 10)" = 0 ] || fail "hubdesk did not exit 0"
check_terminal_sane

# ---- 5. a profile with a country: the national form ----------------------------------------
H=$E2E_TMP/home
mkdir -m 700 "$H"
PASS='phone passphrase for the vault'
printf '%s\n' "$PASS" >"$E2E_TMP/pass"
printf '%s\n' "$PARTNER" >"$E2E_TMP/partner"
hd() { env -u HUBDESK_TOKEN HOME="$H" XDG_DATA_HOME="$H/data" XDG_CONFIG_HOME="$H/config" \
    HUBDESK_PASSPHRASE_FILE="$E2E_TMP/pass" "$HUBDESK_BIN" "$@"; }
hd vault init >"$E2E_TMP/init.out" 2>&1 || fail "vault init: $(cat "$E2E_TMP/init.out")"
hd profile add wa --provider whapi --base-url "$MANAGER" --gate-url "$GATE" --country br \
    <"$E2E_TMP/partner" >"$E2E_TMP/add.out" 2>&1 || fail "profile add: $(cat "$E2E_TMP/add.out")"
pane_run "env -u HUBDESK_TOKEN HOME='$H' XDG_DATA_HOME='$H/data' XDG_CONFIG_HOME='$H/config' '$HUBDESK_BIN'"
wait_for_screen 'Unlock the vault' 10
keys_lit "$PASS"
keys Enter
pick_profile 'wa'
wait_for_screen 'Project' 10
wait_for_screen 'Sandbox' 10
keys Enter
wait_for_screen 'Channels' 10
keys n
wait_for_screen 'code' 5
keys Down Enter
wait_for_screen 'Phone:' 5
keys_lit '(11) 98765-4321'
wait_for_screen 'Reads as \+55 11 98765-4321; the hub gets 5511987654321\.' 5
keys Enter
wait_for_screen 'Code: [0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}' 20
[ "$(wfield login_phone)" = 5511987654321 ] || fail "the hub got the phone as $(wfield login_phone)"
log "country BR: (11) 98765-4321 reads as +55 11 98765-4321, the hub got 5511987654321"
keys C-c
[ "$(pane_wait_rc 10)" = 0 ] || fail "hubdesk did not exit 0 on Ctrl-C"
check_terminal_sane
log pass
