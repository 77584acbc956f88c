#!/usr/bin/env bash
# test_tui_hydracore.sh BUILD_DIR: WhatsApp set up on a HydraCore instance in the console with
# the vault (tmux 80x24, private HOME, sandbox over real HTTP that requires an X-Api-Key):
#  1. A profile without the X-Api-Key: its remembered instance (profiles.json) is listed;
#     Enter reads the channel and the hub's "Invalid API key" is shown.
#  2. The profile with its X-Api-Key in the vault: n adds an instance: a bad UUID is refused
#     under the field; a good one is remembered in profiles.json and opened: "not set up".
#  3. n: the credentials form (access token and app secret masked). Values that pass the
#     local checks but not the hub's: its 422 messages appear right under their fields; no
#     secret goes into the vault.
#  4. Fixed: the result shows the Callback URL (the hub's webhook_url) and the verify token
#     masked; v reveals the hub's token (proved by Meta's challenge on the sandbox); access
#     token, app secret and verify token are in the vault under <profile>/waba|appsecret|
#     verify/<instance> (`hubdesk vault list`); every request carried the X-Api-Key.
#  5. h: pending_verification; after the sandbox plays Meta's check, h: connected.
#  6. d + y tears the channel down: the hub has none, the channel list is empty again.
# No access token, app secret, API key, bearer token or passphrase is in any capture.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

PASS='correct horse battery staple'
BEARER=hc_sandbox
APIKEY=hc-apikey-$RANDOM$RANDOM-Kq9
TOKEN=EAAGe2e$RANDOM${RANDOM}AccessTokenZZ9x
SECRET=$(printf '%s' "$RANDOM$RANDOM" | sha256sum | cut -c1-32)
BAD_TOKEN=EAAshort-tok9
BAD_SECRET=not-hex-secret-w8
INST_KNOWN=497f6eca-6276-4993-bfeb-53cbbbba6f08
INST=d9f1c2a4-6b7e-4c3d-9a8b-1e2f3a4b5c6d
H=$E2E_TMP/home
mkdir -m 700 "$H"
export HOME=$H XDG_DATA_HOME=$H/data XDG_CONFIG_HOME=$H/config
PROFILES=$XDG_CONFIG_HOME/hubdesk/profiles.json
printf '%s\n' "$PASS" >"$E2E_TMP/pass"
hd() { HUBDESK_PASSPHRASE_FILE=$E2E_TMP/pass "$HUBDESK_BIN" "$@"; }

eval "lib_capture() $(declare -f capture | tail -n +2)"
capture() {
    lib_capture || return 1
    if grep -Fq -e "$TOKEN" -e "$SECRET" -e "$BAD_TOKEN" -e "$BAD_SECRET" -e "$APIKEY" \
        -e "$BEARER" -e "$PASS" "$E2E_CAP"; then
        fail "a secret (access token, app secret, API key, bearer or passphrase) is on screen"
    fi
}

vault_list() {
    hd vault list >"$E2E_TMP/list.out" 2>&1 || fail "vault list: $(cat "$E2E_TMP/list.out")"
}
hc_inst() { sb_req GET "/_sandbox/hydracore/$1"; }
# API requests (not Meta's challenge) made to HydraCore without an X-Api-Key.
hc_requests_without_key() {
    json_eval "$(sb_req GET /_sandbox/test/log)" \
        "len([e for e in j if e.get('hub') == 'hydracore' and '/v1/' in e['path'] and not e.get('api_key')])"
}

sandbox_start --hydracore-api-key "$APIKEY"
HC_BASE=$SB_URL/hydracore
hd vault init >"$E2E_TMP/init.out" 2>&1 || fail "vault init: $(cat "$E2E_TMP/init.out")"
printf '%s\n' "$BEARER" | hd profile add nokey --provider hydracore --base-url "$HC_BASE" \
    >"$E2E_TMP/add.out" 2>&1 || fail "profile add nokey: $(cat "$E2E_TMP/add.out")"
printf '%s\n' "$BEARER" | hd profile add hc --provider hydracore --base-url "$HC_BASE" \
    --api-key-secret hc-apikey >"$E2E_TMP/add.out" 2>&1 ||
    fail "profile add hc: $(cat "$E2E_TMP/add.out")"
printf '%s\n' "$APIKEY" | hd vault add hc-apikey >"$E2E_TMP/add.out" 2>&1 ||
    fail "vault add hc-apikey: $(cat "$E2E_TMP/add.out")"
# Both profiles remember the customer's instance (as if added earlier).
"$PY" - "$PROFILES" "$INST_KNOWN" <<'PYEOF' || fail "cannot edit $PROFILES"
import json, sys
path, inst = sys.argv[1:3]
with open(path) as f:
    doc = json.load(f)
profiles = doc["profiles"] if isinstance(doc, dict) else doc
for p in profiles:
    p["remembered"] = {"instances": [{"id": inst, "name": "Shop instance"}]}
with open(path, "w") as f:
    json.dump(doc, f, indent=2)
PYEOF

tmux_start 80 24 xterm-256color "HOME=$H" "XDG_DATA_HOME=$XDG_DATA_HOME" \
    "XDG_CONFIG_HOME=$XDG_CONFIG_HOME"
pane_run "'$HUBDESK_BIN'"
wait_for_screen 'Unlock the vault' 10
keys_lit "$PASS"
keys Enter
wait_for_screen ' hc +HydraCore' 15

# ---- 1. no X-Api-Key: the hub refuses ------------------------------------------------------
pick_profile ' nokey +HydraCore'
wait_for_screen 'Which instance is the channel for' 10
wait_for_screen "Shop instance +$INST_KNOWN" 5
keys Enter
wait_for_screen 'Invalid API key' 10
[ "$(hc_requests_without_key)" -ge 1 ] || fail "no request without an X-Api-Key in the log"
log "profile without X-Api-Key: its remembered instance; the hub's 'Invalid API key' on screen"
# Esc: back to the instance list it was chosen from, then to the accounts.
keys Escape
wait_for_screen 'Which instance is the channel for' 5 ||
    fail "Esc on a HydraCore instance's channel list does not return to the instance list"
keys Escape
wait_for_screen 'Which hub account' 5

# ---- 2. the profile with its key; a new instance -------------------------------------------
before_keyless=$(hc_requests_without_key)
pick_profile ' hc +HydraCore'
wait_for_screen "Shop instance +$INST_KNOWN" 10
keys n
wait_for_screen 'Add an instance' 5
wait_for_screen 'Instance id:' 5
keys_lit 'not-a-uuid'
keys Enter
wait_for_screen 'is a UUID' 5
screen_below 'Instance id:' 'is a UUID' || fail "the bad UUID's error is not under the field"
keys C-u
keys_lit "$INST"
keys Tab
keys_lit 'Acme store'
keys Enter
wait_for_screen 'WhatsApp is not set up on this instance' 10
"$PY" - "$PROFILES" "$INST" <<'PYEOF' || fail "the new instance is not remembered: $(cat "$PROFILES")"
import json, sys
path, inst = sys.argv[1:3]
doc = json.load(open(path))
profiles = doc["profiles"] if isinstance(doc, dict) else doc
hc = [p for p in profiles if p["name"] == "hc"][0]
items = hc["remembered"]["instances"]
assert {"id": inst, "name": "Acme store"} in items, items
assert any(i["id"] == "497f6eca-6276-4993-bfeb-53cbbbba6f08" for i in items), items
PYEOF
log "bad UUID refused under the field; $INST remembered in profiles.json; not set up"

# ---- 3. credentials the hub refuses ---------------------------------------------------------
keys n
wait_for_screen 'Set up WhatsApp' 5
wait_for_screen 'Verify token:' 5
keys_lit "$BAD_TOKEN"
keys Tab
keys_lit "$BAD_SECRET"
keys Tab
keys_lit '109876543210'
keys Tab
keys_lit '+61400111222'
wait_for_screen 'Access token: +•{13}( |$)' 5
wait_for_screen 'App secret: +•{17}( |$)' 5
keys Enter
wait_for_screen 'access_token looks truncated' 10
wait_for_screen 'app_secret must be 32 hex' 5
screen_below 'Access token:' 'access_token looks truncated' ||
    fail "the hub's access_token message is not under its field"
screen_below 'App secret:' 'app_secret must be 32 hex' ||
    fail "the hub's app_secret message is not under its field"
grep -q 'refused the fields marked below' "$E2E_TXT" || fail "no sentence about the refused fields"
inst=$(hc_inst "$INST")
[ "$(json_eval "$inst" "j['last_setup_status']")" = 422 ] || fail "the hub did not refuse: $inst"
vault_list
grep -q "hc/waba/\|hc/appsecret/" "$E2E_TMP/list.out" &&
    fail "refused secrets went into the vault: $(cat "$E2E_TMP/list.out")"
log "hub 422: each message under its field; nothing in the vault"

# ---- 4. fixed: the result --------------------------------------------------------------------
# The cursor should be in the first refused field: the agent pastes the fixed token there.
cursor_on 'Access token:' ||
    fail "after the hub's 422 the cursor is not in the first refused field (Access token): a \
pasted token would land in a clear-text field"
form_focus 'Access token:'
keys C-u
keys_lit "$TOKEN"
keys Tab
keys C-u
keys_lit "$SECRET"
keys Enter
wait_for_screen "WhatsApp on instance $INST" 10
wait_for_screen 'Callback URL:' 5
inst=$(hc_inst "$INST")
[ "$(json_eval "$inst" "j['last_setup_status']")" = 200 ] || fail "the hub did not take it: $inst"
url=$SB_URL/hydracore/webhooks/whatsapp/$INST
screen_joined_has "$SB_URL/hydracore/webhooks/whatsapp/" || fail "no Callback URL from the hub"
screen_joined_has "$url" ||
    fail "the Callback URL (the hub's webhook_url, to paste into Meta) is cut at the screen's \
edge at 80x24: $(grep -o 'http://.*' "$E2E_TXT" | head -n 1)"
screen_joined_has "hc/appsecret/$INST" ||
    fail "the notice naming the vault entries is cut after the access token's entry at 80x24"
screen_joined_has "and hc/verify/$INST." || fail "the notice does not name the verify token's entry"
grep -q '(v shows it)' "$E2E_TXT" || fail "the verify token is not masked with its hint"
grep -q 'hc_vt_' "$E2E_TXT" && fail "the verify token is shown before v"
grep -Eq 'Status: +pending_verification' "$E2E_TXT" || fail "no pending_verification status"
grep -Eq 'Display phone: +\+61400111222' "$E2E_TXT" || fail "no display phone on the result"
vault_list
for e in "hc/waba/$INST" "hc/appsecret/$INST" "hc/verify/$INST"; do
    grep -Fq "$e" "$E2E_TMP/list.out" || fail "$e is not in the vault: $(cat "$E2E_TMP/list.out")"
done
grep -Fq -e "$TOKEN" -e "$SECRET" "$E2E_TMP/list.out" && fail "vault list prints a secret"
keys v
wait_for_screen 'hc_vt_[0-9a-f]{24}' 5
vt=$(grep -oE 'hc_vt_[0-9a-f]{24}' "$E2E_TXT" | head -n 1)
# Meta's challenge with the token shown answers the challenge: it is the hub's.
sb_req GET "/hydracore/webhooks/whatsapp/$INST?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=77" \
    >/dev/null && fail "the sandbox accepted a wrong verify token"
keys v
wait_for_screen '\(v shows it\)' 5
[ "$(hc_requests_without_key)" = "$before_keyless" ] || fail "a request of profile hc had no X-Api-Key"
log "result: Callback URL, verify token masked then shown by v; secrets in the vault"

# ---- 5. status, Meta's check ----------------------------------------------------------------
keys h
wait_for_screen 'Status: pending_verification —' 10
sb_req POST "/_sandbox/hydracore/$INST/verify" >/dev/null || fail "the verify control failed"
keys h
wait_for_screen 'Status: connected —' 10
ans=$(sb_req GET "/hydracore/webhooks/whatsapp/$INST?hub.mode=subscribe&hub.verify_token=$vt&hub.challenge=4242") ||
    fail "Meta's challenge with the token shown was refused: $ans"
[ "$ans" = 4242 ] || fail "Meta's challenge answered '$ans'"
log "h: pending_verification; after Meta's check: connected; the token shown passes the challenge"

# ---- 6. reopened from the list: the verify token comes from the vault -------------------------
keys Escape
wait_until 5 eval "! screen_has 'Callback URL:'" || fail "Esc did not leave the result"
keys Enter
wait_for_screen 'Callback URL:' 10
if grep -q '(v shows it)' "$E2E_TXT"; then
    log "the hub echoed the verify token on GET: shown masked"
else
    screen_joined_has "(kept as hc/verify/$INST; v shows it)" ||
        fail "a reopened channel does not say where its verify token is kept"
fi
grep -q "$vt" "$E2E_TXT" && fail "the verify token is shown in full before v"
keys v
wait_for_screen "$vt" 5
keys v
wait_until 5 eval "! screen_has '$vt'" || fail "v again does not hide the verify token"
log "reopened from the list: v shows the verify token (from the vault), v hides it"

# ---- 7. teardown -----------------------------------------------------------------------------
keys d
wait_for_screen "Tear down WhatsApp on instance $INST" 5
keys y
wait_for_screen 'WhatsApp is not set up on this instance' 10
[ "$(json_eval "$(hc_inst "$INST")" "j.get('channel')")" = '' ] ||
    fail "the hub still has the channel: $(hc_inst "$INST")"
sb_req_h GET "/hydracore/v1/instances/$INST/channels/whatsapp" "Authorization: Bearer $BEARER" \
    "X-Api-Key: $APIKEY" >/dev/null && fail "the hub's API still shows the channel"
log "d + y: torn down; the channel list is empty again"
keys Escape
wait_for_screen 'Which instance is the channel for' 5
wait_for_screen "Acme store +$INST" 5
grep -Eq "Shop instance +$INST_KNOWN" "$E2E_TXT" || fail "the remembered instance is gone from the list"
keys q
[ "$(pane_wait_rc 10)" = 0 ] || fail "hubdesk did not exit 0"
check_terminal_sane
log pass
