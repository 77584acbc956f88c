#!/usr/bin/env bash
# test_line_meta.sh BUILD_DIR: line-mode onboarding on the hubs connected by a form, against the
# sandbox, end to end:
#  - HubMessage: profile; channel create (printed, remembered, listed by `channels`); status;
#    connect --mode signup-code with the code on stdin (an expired code first: the hub's words
#    and the field line), on a terminal (prompt, no echo) and from the vault; send-test to a
#    number that wrote in the last 24 h (even) and to one that did not (odd: exit 1 with the
#    24-hour line);
#  - HydraCore: profile with an X-Api-Key vault entry (the sandbox requires the key); connect
#    --mode credentials: a bad --phone-number-id refused before anything is read, a 422 for bad
#    stdin secrets (each field next to "stdin line N"), then ok: the secrets go to the vault,
#    the instance is remembered (projects), the webhook URL and the verify token are printed
#    with where they go in Meta's app, and that token passes the sandbox's Meta challenge;
#    status; --from-vault; the key is really sent (without it: 401); teardown asks on a
#    terminal, refuses without --yes otherwise, removes the channel and its vault entries;
#    status then says not configured (exit 1); on an 80x24 terminal (tmux) the secrets are
#    asked at three prompts without echo, a 422 names the prompt to fix, and the result fits;
#    instance add|forget (--with-secret also drops the instance's vault entries, even for an
#    instance forgotten before); profile rm --with-secret removes the token, the X-Api-Key
#    (unless another profile uses it) and every instance's secrets, and a wrong passphrase
#    leaves the profile as it was;
#  - Chatt2.me: channel add with a kind (unknown kind refused), channels lists them, send-test
#    ok, with the hub's errorCode (exit 1), kind from --kind for a channel not remembered;
#    webhook set (both events, each hook's id, the verification rule) and a webhook whose
#    endpoint fails verification; channel forget;
#  - bad argv exits 2 with one line (--code on argv refused without repeating it, unknown kind,
#    missing --instance, bad UUID, options of another method, instance forget without a
#    profile, an unknown profile, a bad or missing --instance); operations a hub lacks are
#    refused naming the hubs that have them, before any passphrase is read;
#  - no token, key, code or app secret shows up in any output or in profiles.json; the verify
#    token only where it must be pasted.
# shellcheck source=tests/e2e/lib.sh disable=SC2016,SC2015 # eval strings expand later; A && B || fail
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME HUBDESK_PASSPHRASE_FILE HUBDESK_API_KEY
mkdir -p "$HOME"
PASS=$E2E_TMP/pass
printf 'line meta passphrase\n' >"$PASS"
chmod 600 "$PASS" # private, like any passphrase file (else a warning line)
rnd() { printf '%s%s%s' "$$" "$RANDOM" "$RANDOM"; }
HMTOKEN="hm_sk_e2e$(rnd)dontprint"
HCTOKEN="hc_e2e$(rnd)dontprint"
HCKEY="hckey$(rnd)dontprint"
C2KEY=c2m_app_sandbox
CODE="code$(rnd)dontprint"
CODE2="code2$(rnd)dontprint"
CODE3="code3$(rnd)dontprint"
ACCESS="EAAG$(rnd)accesstokendontprint"
APPSECRET=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
BADACCESS="EA$(rnd | cut -c1-6)"
BADSECRET="nothex$(rnd)"
for v in HMTOKEN HCTOKEN HCKEY C2KEY; do printf '%s\n' "${!v}" >"$E2E_TMP/$v"; chmod 600 "$E2E_TMP/$v"; done
printf '%s\n' "$CODE" >"$E2E_TMP/code"
printf '%s\n' "$CODE3" >"$E2E_TMP/code3"
printf 'EXPIRED\n' >"$E2E_TMP/expired"
printf '%s\n%s\n\n' "$BADACCESS" "$BADSECRET" >"$E2E_TMP/bad-creds"
printf '%s\n%s\n\n' "$ACCESS" "$APPSECRET" >"$E2E_TMP/creds" # line 3 empty: the hub makes one
SECRETS=("$HMTOKEN" "$HCTOKEN" "$HCKEY" "$C2KEY" "$CODE" "$CODE2" "$CODE3" "$ACCESS"
    "$APPSECRET" "$BADACCESS" "$BADSECRET")
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err
ALL=$E2E_TMP/all-output # every byte any hubdesk printed, checked for secrets at the end
: >"$ALL"

# [IN=FILE] expect CODE [-e VAR=VALUE]... ARGS...: runs hubdesk ARGS with stdin from IN
# (default /dev/null). A failure must come with one "hubdesk:" line first on stderr, then only
# indented detail lines; a usage error prints nothing on stdout.
expect() {
    local want=$1 envs=()
    shift
    while [ "$1" = -e ]; do
        envs+=("$2")
        shift 2
    done
    env "${envs[@]}" "$H" "$@" >"$OUT" 2>"$ERR" <"${IN:-/dev/null}"
    local rc=$?
    cat "$OUT" "$ERR" >>"$ALL"
    [ "$rc" = "$want" ] || fail "'hubdesk $*' exited $rc, want $want; stdout: $(cat "$OUT"); stderr: $(cat "$ERR")"
    if [ "$want" != 0 ]; then # a phone's note and warning lines come before, and are not it
        grep -Ev '^hubdesk: (note|warning): ' "$ERR" >"$ERR.failure"
        head -n 1 "$ERR.failure" | grep -q '^hubdesk: ' &&
            [ "$(grep -c '^hubdesk: ' "$ERR.failure")" = 1 ] &&
            ! grep -vq '^\(hubdesk: \|  \)' "$ERR.failure" ||
            fail "'hubdesk $*' should say why in one 'hubdesk:' line (then indented details); stderr: $(cat "$ERR")"
    fi
    if [ "$want" = 2 ] && [ -s "$OUT" ]; then
        fail "'hubdesk $*': a usage error printed to stdout: $(cat "$OUT")"
    fi
    return 0
}
err_has() { grep -q -- "$1" "$ERR" || fail "stderr lacks /$1/: $(cat "$ERR")"; }
out_has() { grep -q -- "$1" "$OUT" || fail "stdout lacks /$1/: $(cat "$OUT")"; }
# jout EXPR [ARG]: the python EXPR over the JSON document in $OUT (j; ARG is sys.argv[3]).
jout() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$@"; }
# sbj PATH EXPR: the python EXPR over the sandbox's JSON answer at PATH (j).
sbj() { json_eval "$(sb_req GET "$1")" "$2"; }
# Requests that reached a hub (not the test controls), from the sandbox's log.
hub_requests() {
    json_eval "$(sb_req GET /_sandbox/test/log)" \
        'len([r for r in j if not r["path"].startswith("/_sandbox")])'
}

sandbox_start --hubmessage-token-file "$E2E_TMP/HMTOKEN" --hydracore-token-file "$E2E_TMP/HCTOKEN" \
    --hydracore-api-key "$HCKEY"
export HUBDESK_PASSPHRASE_FILE=$PASS
HMBASE=$SB_URL/hubmessage
HCBASE=$SB_URL/hydracore
C2BASE=$SB_URL/chatt2me
INST=497f6eca-6276-4993-bfeb-53cbbbba6f08
INST2=5b0c7c1e-3d4a-4f6b-9e8d-2a1b0c9d8e7f
INST3=6c1d8d2f-4e5b-4a7c-8f9e-3b2c1d0e9f8a
WA=6cbd6789-1d2b-47e0-9391-5eb91d2839ea
SMS=2f1c6a34-8f0e-4b7a-9d2c-5a7e3b1c9d10
TG=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d

# ---- vault and profiles ----------------------------------------------------------------------
expect 0 vault init
IN=$E2E_TMP/HMTOKEN expect 0 profile add hm --provider hubmessage --base-url "$HMBASE"
IN=$E2E_TMP/HCKEY expect 0 vault add hc-apikey
IN=$E2E_TMP/HCTOKEN expect 0 profile add hc --provider hydracore --base-url "$HCBASE" \
    --api-key-secret hc-apikey
out_has 'X-Api-Key is the vault entry hc-apikey'
IN=$E2E_TMP/C2KEY expect 0 profile add c2 --provider chatt2me --base-url "$C2BASE"
IN=$E2E_TMP/HCTOKEN expect 2 profile add hc2 --provider hydracore
err_has '--base-url is required for HydraCore'
IN=$E2E_TMP/HMTOKEN expect 2 profile add hm2 --provider hubmessage --api-key-secret hc-apikey
err_has 'only HydraCore'
expect 0 profile list --json
[ "$(grep '"name":"hc"' "$OUT" | grep -c '"api_key_secret":"hc-apikey"')" = 1 ] ||
    fail "profile list --json lacks the api key entry: $(cat "$OUT")"
log "profiles: hm, hc (X-Api-Key entry), c2; HydraCore needs --base-url"

# The usage names the new commands and fits an 80-column terminal.
expect 0 --help
out_has '^       hubdesk instance forget HUB --instance UUID \[--with-secret\]$'
"$PY" -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 80 for l in open(sys.argv[1], encoding="utf-8")))' \
    "$OUT" || fail "--help has lines over 80 columns: $(awk 'length > 80' "$OUT")"

# ---- bad argv: exit 2, one line, nothing read or sent ----------------------------------------
before=$(hub_requests)
NOPASS=HUBDESK_PASSPHRASE_FILE=$E2E_TMP/no-such-file # asking for a passphrase would fail otherwise
expect 2 -e "$NOPASS" connect --profile hm --mode signup-code --channel X --waba-id 12345 \
    --phone-id 67890 --code "$CODE"
err_has 'never goes on the command line'
expect 2 -e "$NOPASS" connect --profile hm --mode signup-code --channel X --waba-id 12345 \
    --phone-id 67890 --code="$CODE"
expect 2 -e "$NOPASS" send-test --profile hm --channel X --to 5511987654322 --text hi --code="$CODE"
grep -qF -- "$CODE" "$ERR" && fail "an option's value was repeated back"
expect 2 -e "$NOPASS" connect --profile hm --mode signup-code --channel X --waba-id 12ab --phone-id 67890
err_has '--waba-id'
expect 2 -e "$NOPASS" connect --profile hc --mode credentials --phone-number-id 1234567890
err_has 'needs --instance UUID'
expect 2 -e "$NOPASS" connect --profile hc --mode credentials --instance 497f6eca-6276 \
    --phone-number-id 1234567890
err_has '--instance: .*UUID'
expect 2 -e "$NOPASS" connect --profile hc --mode credentials --instance "$INST" \
    --phone-number-id 12ab
err_has '--phone-number-id'
expect 2 -e "$NOPASS" connect --profile hc --mode credentials --instance "$INST" \
    --phone-number-id 1234567890 --display-phone '(04) 0011 1222'
err_has "--display-phone: this is a national number"
expect 2 -e "$NOPASS" connect --profile hc --mode credentials --instance "$INST" \
    --phone-number-id 1234567890 --waba-id 12345
err_has 'does not go with --mode credentials'
expect 2 -e "$NOPASS" status --profile hc
err_has 'needs --instance UUID'
expect 2 -e "$NOPASS" status --profile hc --instance not-a-uuid
err_has 'UUID'
expect 2 -e "$NOPASS" teardown --profile hc --instance "$INST"
err_has 'add --yes'
expect 2 -e "$NOPASS" channel add --profile c2 --channel "$WA" --kind fax
err_has "unknown channel kind 'fax'"
expect 2 -e "$NOPASS" channel add --profile c2 --channel "$WA"
err_has 'needs --kind'
expect 2 -e "$NOPASS" channel add --profile c2 --channel not-a-uuid --kind sms
expect 2 -e "$NOPASS" channel add --profile hm --channel X --kind sms
err_has 'have no kind'
expect 2 -e "$NOPASS" send-test --profile c2 --channel "$WA" --to 5511993986082 --text hi --kind fax
err_has "unknown channel kind 'fax'"
expect 2 -e "$NOPASS" send-test --profile c2 --channel "$WA" --to '(11) 99398-6082' --text hi --kind whatsapp
err_has "--to: this is a national number"
expect 2 -e "$NOPASS" send-test --profile c2 --channel "$TG" --to 8568649397 --text hi
err_has '--kind is needed'
expect 2 -e "$NOPASS" webhook set --profile c2 --url https://example.com/x --event Bogus
# What a hub lacks: refused by name, with the hubs that have it, before any passphrase.
expect 2 -e "$NOPASS" send-test --profile hc --channel X --to 5511987654322 --text hi
err_has 'not available on HydraCore (hubs that have it: HubMessage, Chatt2.me)'
expect 2 -e "$NOPASS" teardown --profile hm --instance "$INST" --yes
err_has 'hubs that have it: HydraCore'
expect 2 -e "$NOPASS" connect --profile c2 --mode signup-code --channel X --waba-id 12345 --phone-id 67890
err_has 'hubs that have it: HubMessage'
expect 2 -e "$NOPASS" connect --profile hm --mode credentials --instance "$INST" --phone-number-id 12345
err_has 'hubs that have it: HydraCore'
expect 2 -e "$NOPASS" webhook set --profile hm --url https://example.com/x
err_has 'not available on HubMessage'
expect 2 -e "$NOPASS" channel delete X --profile hc --yes
err_has 'teardown --instance'
expect 2 -e "$NOPASS" channel add --profile hc --channel X
expect 2 -e "$NOPASS" channels --provider hubmessage
err_has 'use --profile NAME'
expect 2 -e "$NOPASS" instance forget --profile hc
err_has 'needs --instance UUID'
expect 2 -e "$NOPASS" instance forget --profile hc --instance 497f6eca-6276 --with-secret
err_has '--instance: .*UUID'
expect 2 -e "$NOPASS" instance forget --profile nosuch --instance "$INST" --with-secret
err_has 'no profile called nosuch'
expect 2 -e "$NOPASS" -e "HUBDESK_TOKEN=$HCTOKEN" instance forget --provider hydracore \
    --base-url "$HCBASE" --instance "$INST"
err_has 'needs --profile NAME'
expect 2 -e "$NOPASS" instance forget --profile hm --instance "$INST"
err_has "'hubdesk instance forget' is not available on HubMessage (hubs that have it: HydraCore)"
expect 2 -e "$NOPASS" instance add --profile hc --instance "$INST" --with-secret
err_has "does not apply to 'hubdesk instance add'"
expect 2 -e "$NOPASS" instance add --profile hc --instance not-a-uuid
err_has '--instance: .*UUID'
expect 2 -e "$NOPASS" instance drop --profile hc --instance "$INST"
err_has 'say add or forget'
expect 2 -e "$NOPASS" profile rm nosuch --with-secret
err_has 'no profile called nosuch'
[ "$(hub_requests)" = "$before" ] || fail "a refused command reached a hub"
log "bad argv: exit 2 with one line each; nothing read or sent"

# ---- HubMessage ------------------------------------------------------------------------------
expect 0 channels --profile hm
out_has 'No channels remembered in profile hm'
expect 0 channel create --profile hm --name "E2E shop" --json
CH=$(jout 'j["id"]')
[ "$(jout 'j["remembered_in"]')" = hm ] || fail "channel create --json: $(cat "$OUT")"
[ "$(sbj "/_sandbox/hubmessage/channels/$CH" 'j["name"]')" = "E2E shop" ] ||
    fail "the sandbox has no channel $CH"
expect 0 channels --profile hm
grep -Eq "^$CH +E2E shop$" "$OUT" || fail "channels does not list $CH: $(cat "$OUT")"
expect 0 status --profile hm --channel "$CH"
grep -q '^CREATED' "$OUT" || fail "status of a new channel: $(cat "$OUT")"
IN=$E2E_TMP/expired expect 1 connect --profile hm --mode signup-code --channel "$CH" \
    --waba-id 428083093730937 --phone-id 123456789012345
err_has 'INVALID_CODE'
err_has '^  code: .*(stdin)'
IN=$E2E_TMP/code expect 0 connect --profile hm --mode signup-code --channel "$CH" \
    --waba-id 428083093730937 --phone-id 123456789012345 --coexistence
grep -q "^Connected: channel $CH" "$OUT" || fail "connect: $(cat "$OUT")"
[ "$(sbj "/_sandbox/hubmessage/channels/$CH" '(j["status"], j["wabaId"], j["phoneId"], j["coexistence"])')" = \
    "('CONNECTED', '428083093730937', '123456789012345', True)" ] ||
    fail "the sandbox's channel: $(sb_req GET "/_sandbox/hubmessage/channels/$CH")"
expect 0 status --profile hm --channel "$CH" --json
[ "$(jout 'j["text"]')" = CONNECTED ] || fail "status --json: $(cat "$OUT")"
log "hubmessage: channel $CH created, remembered, connected with the code from stdin"

expect 0 send-test --profile hm --channel "$CH" --to 5511987654322 --text "Hello from e2e"
grep -Eq '^Test message [0-9a-f-]+: accepted$' "$OUT" || fail "send-test: $(cat "$OUT")"
[ "$(sbj /_sandbox/hubmessage 'j["messages"][-1]["to"]')" = 5511987654322 ] ||
    fail "the sandbox did not get the message"
expect 1 send-test --profile hm --channel "$CH" --to 5511987654321 --text "Hello from e2e"
err_has 'OUTSIDE_WINDOW'
err_has '^  .*24-hour customer window: free text only reaches a customer who wrote'
expect 1 send-test --profile hm --channel "$CH" --to 5511987654321 --text "Hello" --json
[ "$(jout 'j["event"]')" = failed ] && jout 'j["hint"]' | grep -q '24-hour' ||
    fail "send-test --json failure: $(cat "$OUT")"
log "hubmessage: send-test to an even number ok, to an odd one exit 1 with the 24 h line"

# On a terminal the code is asked without echo; from the vault with --code-from-vault.
expect 0 channel create --profile hm --name "E2E tty" --json
CH2=$(jout 'j["id"]')
expect 0 channel create --profile hm --name "E2E vault" --json
CH3=$(jout 'j["id"]')
tmux_start 120 30 xterm-256color "HUBDESK_PASSPHRASE_FILE=$PASS" "HOME=$HOME"
pane_run "'$H' connect --profile hm --mode signup-code --channel $CH2 --waba-id 428083093730938 --phone-id 123456789012346"
wait_for_screen 'Authorization code from the signup \(not shown\): *$' 10
keys_lit "$CODE2"
keys Enter
[ "$(pane_wait_rc 10)" = 0 ] || fail "connect on a terminal did not exit 0"
grep -q "^Connected: channel $CH2" "$E2E_TXT" || fail "connect on a terminal: no Connected line"
grep -qF -- "$CODE2" "$E2E_TXT" && fail "the code typed on the terminal was echoed"
cat "$E2E_TXT" >>"$ALL"
IN=$E2E_TMP/code3 expect 0 vault add signup-code
expect 0 connect --profile hm --mode signup-code --channel "$CH3" --waba-id 428083093730939 \
    --phone-id 123456789012347 --code-from-vault signup-code
out_has "^Connected: channel $CH3"
expect 0 channels --profile hm
[ "$(grep -cE "^($CH|$CH2|$CH3) " "$OUT")" = 3 ] || fail "channels should list 3: $(cat "$OUT")"
log "hubmessage: the code asked without echo on a terminal; --code-from-vault"

# ---- HydraCore -------------------------------------------------------------------------------
expect 0 projects --profile hc
out_has 'No instances remembered in profile hc'
expect 1 status --profile hc --instance "$INST"
err_has 'not configured'
IN=$E2E_TMP/bad-creds expect 1 connect --profile hc --mode credentials --instance "$INST" \
    --phone-number-id 1234567890 --display-phone +61400111222
err_has '^  access_token: .*(stdin line 1)$'
err_has '^  app_secret: .*(stdin line 2)$'
[ "$(sbj "/_sandbox/hydracore/$INST" 'j["last_setup_status"]')" = 422 ] ||
    fail "the bad secrets did not get a 422 from the sandbox"
IN=$E2E_TMP/creds expect 0 connect --profile hc --mode credentials --instance "$INST" \
    --phone-number-id 1234567890 --display-phone +61400111222 --name "E2E instance"
WEBHOOK=$(sbj "/_sandbox/hydracore/$INST" 'j["channel"]["webhook_url"]')
[ -n "$WEBHOOK" ] || fail "the sandbox has no channel for $INST"
grep -qF "  Callback URL:  $WEBHOOK" "$OUT" || fail "no callback URL: $(cat "$OUT")"
VT=$(sed -nE 's/^  Verify token: +([^ ]+)$/\1/p' "$OUT")
[[ $VT == hc_vt_* ]] || fail "no verify token made by the hub: $(cat "$OUT")"
out_has 'App Dashboard > WhatsApp > Configuration > Webhook'
out_has 'Verify and save'
out_has '"messages"'
cp "$OUT" "$E2E_TMP/connect-hc.out"
# The printed token is the one the hub checks: Meta's challenge with it passes.
[ "$(sb_req GET "/hydracore/webhooks/whatsapp/$INST?hub.mode=subscribe&hub.verify_token=$VT&hub.challenge=e2e-challenge")" = e2e-challenge ] ||
    fail "the printed verify token does not pass the hub's challenge"
expect 0 vault list
for tag in waba appsecret verify; do
    grep -q "^hc/$tag/$INST " "$OUT" || fail "vault list lacks hc/$tag/$INST: $(cat "$OUT")"
done
expect 0 projects --profile hc
grep -Eq "^$INST +E2E instance$" "$OUT" || fail "projects does not list the instance: $(cat "$OUT")"
expect 0 status --profile hc --instance "$INST"
grep -q '^connected' "$OUT" && grep -q "webhook_url *$WEBHOOK" "$OUT" || fail "status: $(cat "$OUT")"
log "hydracore: 422 shown per field and stdin line; connected, secrets in the vault, token $VT passes Meta's challenge"

# The key really travels: without it the hub says 401; with HUBDESK_API_KEY and HUBDESK_TOKEN
# no profile is needed.
expect 0 profile edit hc --api-key-secret ""
expect 3 status --profile hc --instance "$INST"
err_has 'Invalid API key'
expect 0 profile edit hc --api-key-secret hc-apikey
expect 0 -e "HUBDESK_TOKEN=$HCTOKEN" -e "HUBDESK_API_KEY=$HCKEY" status --provider hydracore \
    --base-url "$HCBASE" --instance "$INST" --json
[ "$(jout 'j["text"]')" = connected ] || fail "status with HUBDESK_API_KEY: $(cat "$OUT")"
setups=$(sbj "/_sandbox/hydracore/$INST" 'j["setups"]')
expect 0 connect --profile hc --mode credentials --instance "$INST" --phone-number-id 1234567890 \
    --from-vault --json
[ "$(jout 'j["verify_token"]')" = "$VT" ] && [ "$(jout 'len(j["secrets_saved_as"])')" = 3 ] ||
    fail "connect --from-vault: $(cat "$OUT")"
[ "$(sbj "/_sandbox/hydracore/$INST" 'j["setups"]')" = $((setups + 1)) ] ||
    fail "the sandbox saw no second setup"
log "hydracore: the X-Api-Key is sent (401 without it); --from-vault sets it up again"

pane_run "'$H' teardown --profile hc --instance $INST"
wait_for_screen "Remove the WhatsApp channel of instance $INST\\? \\[y/N\\]" 10
keys n Enter
[ "$(pane_wait_rc 10)" = 1 ] || fail "teardown answered n should exit 1"
grep -q 'was not removed' "$E2E_TXT" || fail "teardown n: no sentence"
cat "$E2E_TXT" >>"$ALL"
tmx kill-server
[ "$(sbj "/_sandbox/hydracore/$INST" 'j["configured"]')" = True ] || fail "teardown n removed it"
expect 0 teardown --profile hc --instance "$INST" --yes
out_has "Removed the WhatsApp channel of instance $INST"
out_has "Removed its secrets from the vault"
expect 0 vault list
grep -q "^hc/.*/$INST " "$OUT" && fail "the instance's secrets are still in the vault: $(cat "$OUT")"
expect 1 status --profile hc --instance "$INST"
err_has 'not configured'
log "hydracore: teardown asks on a terminal, --yes removes it and its secrets; status: not configured"

# On a real 80x24 terminal the secrets are asked at three prompts, none echoed; a 422 names the
# prompt to fix, not a stdin line.
tmux_start 80 24 xterm-256color "HUBDESK_PASSPHRASE_FILE=$PASS" "HOME=$HOME"
CRED="'$H' connect --profile hc --mode credentials --instance $INST2 --phone-number-id 1234567890"
pane_run "$CRED --display-phone +61400111222"
wait_for_screen '^Meta app access token \(not shown\): *$' 10
keys_lit "$BADACCESS"
keys Enter
wait_for_screen '^Meta app secret, 32 hex characters \(not shown\): *$' 5
keys_lit "$BADSECRET"
keys Enter
wait_for_screen '^Verify token \(not shown; Enter: the hub makes one\): *$' 5
keys Enter
[ "$(pane_wait_rc 10)" = 1 ] || fail "bad secrets typed on a terminal should exit 1"
grep -q '^  access_token: .*(the access token prompt)$' "$E2E_TXT" &&
    grep -q '^  app_secret: .*(the app secret prompt)$' "$E2E_TXT" ||
    fail "the 422 does not name the prompts to fix"
grep -qF -e "$BADACCESS" -e "$BADSECRET" "$E2E_TXT" && fail "a secret typed on the terminal was echoed"
cat "$E2E_TXT" >>"$ALL"
pane_run "$CRED --name 'Typed in'"
# The last run's prompts stay on screen until `clear` runs: typing before the new prompt would
# reach a terminal that still echoes.
wait_for_no_screen "^rc-$((E2E_RUN - 1))=" 5
wait_for_screen '^Meta app access token \(not shown\): *$' 10
keys_lit "$ACCESS"
keys Enter
wait_for_screen '^Meta app secret, 32 hex characters \(not shown\): *$' 5
# Nothing typed shows up, not even as the cursor moving past the prompt.
x=$(tmx display -p -t e2e '#{cursor_x}')
keys_lit "$APPSECRET"
sleep 0.3 # an echo would be drawn by now
[ "$(tmx display -p -t e2e '#{cursor_x}')" = "$x" ] ||
    fail "typing the app secret moved the cursor (echo?): x=$x, then $(tmx display -p -t e2e '#{cursor_x}')"
keys Enter
wait_for_screen '^Verify token \(not shown; Enter: the hub makes one\): *$' 5
keys Enter
[ "$(pane_wait_rc 10)" = 0 ] || fail "connect with the secrets typed on a terminal did not exit 0"
grep -q "^Connected HydraCore instance $INST2:$" "$E2E_TXT" &&
    grep -q "^  hc/appsecret/$INST2$" "$E2E_TXT" && grep -q '^  Verify token:  hc_vt_' "$E2E_TXT" ||
    fail "connect on a terminal: no result"
grep -qF -e "$ACCESS" -e "$APPSECRET" "$E2E_TXT" && fail "a secret typed on the terminal was echoed"
# At 80 columns only the long URL and the status command wrap: the sentences fit.
grep -q 'Once Meta has verified it, this command shows the channel connected:$' "$E2E_TXT" ||
    fail "the result's sentences do not fit 80 columns"
cat "$E2E_TXT" >>"$ALL"
check_terminal_sane
tmx kill-server
log "hydracore: secrets typed at three prompts on an 80x24 terminal, never echoed; 422 names the prompt"

# instance add|forget: the profile's remembered instances; --with-secret drops vault entries,
# also of an instance already forgotten (the console forgets without touching the vault).
expect 0 instance add --profile hc --instance "$INST3" --name "Added by id"
out_has "Remembered instance $INST3 in profile hc"
expect 0 projects --profile hc --json
[ "$(jout 'sorted(i["id"] for i in j)')" = "$("$PY" -c 'import sys; print(sorted(sys.argv[1:]))' "$INST" "$INST2" "$INST3")" ] ||
    fail "projects after instance add: $(cat "$OUT")"
expect 0 instance forget --profile hc --instance "$INST3"
out_has "Forgot instance $INST3 (profile hc)"
expect 1 instance forget --profile hc --instance "$INST3"
err_has "profile hc remembers no instance $INST3"
expect 0 instance forget --profile hc --instance "$INST2"
out_has 'stay in the vault'
expect 0 vault list
[ "$(grep -c "^hc/.*/$INST2 " "$OUT")" = 3 ] || fail "instance forget removed secrets: $(cat "$OUT")"
expect 0 instance forget --profile hc --instance "$INST2" --with-secret --json
[ "$(jout '(j["forgotten"], sorted(j["secrets_removed"]))')" = \
    "(False, ['hc/appsecret/$INST2', 'hc/verify/$INST2', 'hc/waba/$INST2'])" ] ||
    fail "instance forget --with-secret of a forgotten instance: $(cat "$OUT")"
expect 1 instance forget --profile hc --instance "$INST2" --with-secret
err_has 'the vault has no secrets of it'
expect 0 vault list
grep -q "/$INST2 " "$OUT" && fail "instance forget --with-secret left secrets: $(cat "$OUT")"
expect 0 instance forget --profile hc --instance "$INST" --with-secret
out_has "Forgot instance $INST"
expect 0 projects --profile hc --json
[ "$(jout 'len(j)')" = 0 ] || fail "projects after forgetting all: $(cat "$OUT")"
log "hydracore: instance add|forget; --with-secret removes the vault entries"

# ---- Chatt2.me -------------------------------------------------------------------------------
expect 0 channel add --profile c2 --channel "$WA" --kind whatsapp --name "Main WhatsApp"
out_has 'Remembered channel .*(WhatsApp)'
expect 0 channel add --profile c2 --channel "$SMS" --kind SMS
expect 0 channels --profile c2
grep -Eq "^$WA +Main WhatsApp +whatsapp$" "$OUT" && grep -Eq "^$SMS +- +sms$" "$OUT" ||
    fail "channels: $(cat "$OUT")"
expect 0 send-test --profile c2 --channel "$WA" --to 5511993986082 --text "Hello from e2e"
grep -Eq '^Test message [0-9a-f-]+: enqueued$' "$OUT" || fail "send-test whatsapp: $(cat "$OUT")"
expect 0 send-test --profile c2 --channel "$WA" --to '+55 11 99398-6082' --text "Hello from e2e"
[ "$(sbj /_sandbox/chatt2me 'j["messages"][-1]["to"]')" = 5511993986082 ] ||
    fail "+55 11 99398-6082 reached the hub as $(sbj /_sandbox/chatt2me 'j["messages"][-1]["to"]')"
err_has 'reads as +55 11 99398-6082; the hub gets 5511993986082'
expect 0 profile edit c2 --country BR
expect 0 send-test --profile c2 --channel "$SMS" --to '(11) 94457-4999' --text "Hi"
[ "$(sbj /_sandbox/chatt2me 'j["messages"][-1]["to"]')" = +5511944574999 ] ||
    fail "(11) 94457-4999 reached the SMS hub as $(sbj /_sandbox/chatt2me 'j["messages"][-1]["to"]')"
expect 0 profile edit c2 --country ""
expect 1 send-test --profile c2 --channel "$WA" --to 5511993980000 --text "Hello from e2e"
err_has 'RECIPIENT_UNREACHABLE: The recipient cannot be reached'
expect 1 send-test --profile c2 --channel "$WA" --to '+55 11 99398-0000' --text "Hello from e2e"
err_has '^hubdesk: note: --to +55 11 99398-0000 reads as'
err_has '^hubdesk: the hub could not deliver the test message: RECIPIENT_UNREACHABLE'
expect 0 send-test --profile c2 --channel "$SMS" --to +5511944574999 --text "Hi" --json
[ "$(jout 'j["status"]')" = sent ] && [ "$(jout 'j["kind"]')" = sms ] || fail "send-test sms: $(cat "$OUT")"
expect 0 send-test --profile c2 --channel "$TG" --to 8568649397 --text "Hi" --kind telegram
expect 1 send-test --profile c2 --channel "$TG" --to +5511944574999 --text "Hi" --kind sms
err_has 'CHANNEL_KIND_MISMATCH'
[ "$(sbj /_sandbox/chatt2me 'len(j["messages"])')" -ge 3 ] || fail "the sandbox got no messages"
log "chatt2me: channels remembered with kinds; send-test ok, errorCode exit 1, --kind for others"

expect 0 webhook set --profile c2 --url https://example.com/c2m-hook
grep -Eq '^  event Message: [0-9a-f-]+$' "$OUT" && grep -Eq '^  event MessageStatus: [0-9a-f-]+$' "$OUT" ||
    fail "webhook set: $(cat "$OUT")"
out_has 'verification request with a 2xx'
[ "$(sbj /_sandbox/chatt2me 'sorted(w["eventType"] for w in j["webhooks"])')" = '["Message", "MessageStatus"]' ] ||
    fail "the sandbox's webhooks: $(sb_req GET /_sandbox/chatt2me)"
expect 1 webhook set --profile c2 --url https://unreachable.example/hook --event MessageStatus
err_has 'ENDPOINT_VERIFICATION_FAILED'
err_has '^  .*2xx'
expect 0 channel forget --profile c2 --channel "$SMS"
expect 1 channel forget --profile c2 --channel "$SMS"
expect 0 channels --profile c2 --json
[ "$(jout '[c["id"] for c in j]')" = "['$WA']" ] || fail "channels after forget: $(cat "$OUT")"
log "chatt2me: webhook set (two hooks), verification failure explained, channel forget"

# ---- profile rm --with-secret ----------------------------------------------------------------
# hc3 shares hc's X-Api-Key entry: it stays. Its instance's secrets go, remembered or not.
IN=$E2E_TMP/HCTOKEN expect 0 profile add hc3 --provider hydracore --base-url "$HCBASE" \
    --api-key-secret hc-apikey
IN=$E2E_TMP/creds expect 0 connect --profile hc3 --mode credentials --instance "$INST3" \
    --phone-number-id 1234567890
IN=$E2E_TMP/creds expect 0 connect --profile hc3 --mode credentials --instance "$INST2" \
    --phone-number-id 1234567890
expect 0 instance forget --profile hc3 --instance "$INST2"
expect 3 -e "HUBDESK_PASSPHRASE_FILE=$E2E_TMP/HCKEY" profile rm hc3 --with-secret
expect 0 profile list
grep -q '^hc3 ' "$OUT" || fail "profile rm with a wrong passphrase removed the profile"
expect 0 profile rm hc3 --with-secret
out_has '^Removed profile hc3\.$'
for e in hc3-token "hc3/waba/$INST3" "hc3/appsecret/$INST3" "hc3/verify/$INST3" "hc3/waba/$INST2"; do
    grep -qx "  $e" "$OUT" || fail "profile rm --with-secret did not say it removed $e: $(cat "$OUT")"
done
out_has 'hc-apikey stays in the vault: profile hc uses it too'
expect 0 vault list
grep -q '^hc3' "$OUT" && fail "profile rm --with-secret left entries: $(cat "$OUT")"
grep -q '^hc-apikey ' "$OUT" || fail "profile rm removed an X-Api-Key another profile uses"
expect 0 profile rm hc --with-secret
grep -qx '  hc-token' "$OUT" && grep -qx '  hc-apikey' "$OUT" ||
    fail "profile rm hc --with-secret: $(cat "$OUT")"
expect 0 vault list
grep -q '^hc' "$OUT" && fail "profile rm --with-secret left entries: $(cat "$OUT")"
log "profile rm --with-secret: token, X-Api-Key (kept while shared), every instance's secrets"

# ---- no secret anywhere ----------------------------------------------------------------------
CONF=$HOME/.config/hubdesk/profiles.json
for s in "${SECRETS[@]}"; do
    grep -qF -- "$s" "$ALL" && fail "a secret was printed: ${s:0:8}..."
    grep -qF -- "$s" "$CONF" && fail "a secret is in profiles.json: ${s:0:8}..."
done
# The verify token is shown where it must be pasted (connect), nowhere else.
grep -F -- "$VT" "$ALL" | grep -vq -e '^  Verify token: ' -e '"event":"connected"' &&
    fail "the verify token was printed outside connect: $(grep -F -- "$VT" "$ALL" | head -n 3)"
log "no token, key, code or app secret in any output or in profiles.json; pass"
