#!/usr/bin/env bash
# test_tui_keebai.sh BUILD_DIR: a Keebai onboarding through Meta's Embedded Signup in the
# console with the vault (tmux 80x24, private HOME, sandbox over real HTTP):
#  1. A profile whose token the hub refuses: choosing it shows the envelope's code and message
#     and stays on the account list.
#  2. The good profile: the channel list (the sandbox's channels, with is_active) -> n ->
#     Browser -> pipeline id + coexistence -> the link's QR decodes from the pane to the
#     sandbox's verification_uri, the link is on screen as text with the time left; the
#     sandbox got the pipeline and coexistence.
#  3. The portal's "complete" (sandbox control): Connected, with phone_number_id and the WABA id.
#  4. w: the webhook with whatsapp.channel.connected preselected; the signing secret goes into
#     the vault (checked with `hubdesk vault list`) and never onto the screen.
#  5. A second signup that the customer cancels: the screen says so and offers a new session.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

PASS='correct horse battery staple'
TOKEN=hubdesk-sandbox-token
H=$E2E_TMP/home
mkdir -m 700 "$H"
export HOME=$H XDG_DATA_HOME=$H/data XDG_CONFIG_HOME=$H/config
printf '%s\n' "$PASS" >"$E2E_TMP/pass"
hd() { HUBDESK_PASSPHRASE_FILE=$E2E_TMP/pass "$HUBDESK_BIN" "$@"; }

sandbox_start --signup-poll-s 1
hd vault init >"$E2E_TMP/init.out" 2>&1 || fail "vault init: $(cat "$E2E_TMP/init.out")"
printf '%s\n' "wrong-token-123" | hd profile add bad --provider keebai --base-url "$SB_BASE" \
    >"$E2E_TMP/add.out" 2>&1 || fail "profile add bad: $(cat "$E2E_TMP/add.out")"
printf '%s\n' "$TOKEN" | hd profile add kb --provider keebai --base-url "$SB_BASE" \
    >"$E2E_TMP/add.out" 2>&1 || fail "profile add kb: $(cat "$E2E_TMP/add.out")"

secret_of_latest_hook() { sb_req GET /_sandbox/keebai/webhooks 2>/dev/null; }

eval "lib_capture() $(declare -f capture | tail -n +2)"
capture() {
    lib_capture || return 1
    if grep -Fq -e "$TOKEN" -e "$PASS" -e whsec_ "$E2E_CAP"; then
        fail "a token, the passphrase or a signing secret is on screen"
    fi
}

tmux_start 80 24 xterm-256color "HOME=$H" "XDG_DATA_HOME=$XDG_DATA_HOME" \
    "XDG_CONFIG_HOME=$XDG_CONFIG_HOME"
pane_run "'$HUBDESK_BIN'"
wait_for_screen 'Unlock the vault' 10
keys_lit "$PASS"
keys Enter
wait_for_screen ' kb +Keebai' 15

# ---- 1. a refused token -------------------------------------------------------------------
keys Enter # "bad" is first
wait_for_screen 'UNAUTHORIZED' 10
screen_has 'Hub account' || fail "a refused token left the account list"
log "refused token: the envelope's code on the account list"

# ---- 2. channels, browser signup, link QR ----------------------------------------------------
keys Down Enter
wait_for_screen 'Channels' 10
keys n
wait_for_screen 'Browser' 5
keys Down Enter
wait_for_screen 'Pipeline id:' 5
keys_lit 'pip_01SANDBOX'
keys Tab
keys Space
wait_for_screen '\[x\] Coexistence' 5
keys Enter
wait_until 10 eval 'sb_req GET /_sandbox/signup/latest >/dev/null' || fail "no signup session"
sess=$(json_get "$(sb_req GET /_sandbox/signup/latest)" session_id)
uri="$SB_URL/keebai-portal/connect/whatsapp?session=$sess"
wait_until 15 qr_decodes "$uri" || fail "the link's QR does not decode: $(cat "$E2E_TMP/pane_qr.out")"
screen_has 'expires in' || fail "no time left on the signup screen"
latest=$(sb_req GET /_sandbox/signup/latest)
[ "$(json_get "$latest" pipeline_id)" = pip_01SANDBOX ] || fail "pipeline not sent: $latest"
[ "$(json_get "$latest" coexistence_enabled)" = True ] || fail "coexistence not sent: $latest"
log "verification_uri QR decodes from the pane; pipeline and coexistence sent"

# ---- 3. completed ----------------------------------------------------------------------
sb_req POST /_sandbox/signup/latest/complete >/dev/null || fail "sandbox refused complete"
wait_for_screen 'Connected' 15
grep -q 'Phone number id:' "$E2E_TXT" || fail "no phone_number_id on the result"
grep -q 'WABA id:' "$E2E_TXT" || fail "no business_account_id on the result"
log "completed -> Connected with the channel's ids"

# ---- 4. webhook, secret into the vault ------------------------------------------------------
keys w
wait_for_screen '\[x\] whatsapp.channel.connected' 5
keys_lit 'https://example.com/keebai-hook'
keys Enter
wait_for_screen 'signing secret' 10
hd vault list >"$E2E_TMP/list.out" 2>&1 || fail "vault list: $(cat "$E2E_TMP/list.out")"
grep -Eq 'kb/hook/.*webhook-secret' "$E2E_TMP/list.out" ||
    fail "the signing secret is not in the vault: $(cat "$E2E_TMP/list.out")"
log "webhook created; its signing secret is in the vault"

# ---- 5. a cancelled signup ----------------------------------------------------------------
keys Escape
wait_for_screen 'Connected' 5
keys Enter
wait_for_screen 'Channels' 10
keys n
wait_for_screen 'Browser' 5
keys Down Enter
wait_for_screen 'Pipeline id:' 5
keys Enter
wait_until 10 eval '[ "$(json_get "$(sb_req GET /_sandbox/signup/latest)" status)" = pending ]' ||
    fail "no second session"
sb_req POST /_sandbox/signup/latest/cancel >/dev/null || fail "sandbox refused cancel"
wait_for_screen 'cancel' 15
grep -q 'r try again' "$E2E_TXT" || fail "no new session offered after a cancel"
log "cancelled in the portal: said so, r offered"
keys q
[ "$(pane_wait_rc 10)" = 0 ] || fail "hubdesk did not exit 0"
check_terminal_sane
log pass
