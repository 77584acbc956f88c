#!/usr/bin/env bash
# test_line_hubs.sh BUILD_DIR: the line-mode hub commands against the sandbox, end to end.
#  - Whapi: profile add --gate-url with the partner token in the vault; projects; channel create
#    keeps the channel's token in the vault (vault list shows it), or says loudly that it could
#    not (vault locked by another process: exit 1); connect --mode qr --channel:
#    the printed QR decodes (tmux, both themes) to the sandbox's rowdata, a scan exits 0 while
#    status --wait sees QR then AUTH; status; webhook set; channel live; code mode with bad
#    phones (exit 2: letters, a national number without the profile's country), phones as
#    people write them (+55 11 98765-4321; (11) 98765-4321 with --country BR) reaching the hub
#    as 5511987654321 and said back on stderr, Argentina's missing 9 warned about and sent as
#    typed, then a scan (exit 0); channel delete --yes drops the vault entry;
#  - Keebai: webhook set keeps the signing secret in the vault; bad webhook URLs and events are
#    refused before anything is sent; connect --mode browser --json: link event with the
#    sandbox's URI, complete -> exit 0; in text mode the link and its QR (decoded) are printed,
#    expire -> exit 4; channels lists the new channel; a wrong token exits 3 with the envelope's
#    code on stderr (and a failed event with --json);
#  - bad argv exits 2 with one line; no token or secret ever shows up in any output.
# shellcheck source=tests/e2e/lib.sh disable=SC2016 # eval strings expand later
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME HUBDESK_PASSPHRASE_FILE
mkdir -p "$HOME"
PASS=$E2E_TMP/pass
printf 'line hubs passphrase\n' >"$PASS"
chmod 600 "$PASS" # private, like any passphrase file (else a warning line)
PARTNER="partner-$$-${RANDOM}${RANDOM}-do-not-print"
KTOKEN="kbai-$$-${RANDOM}${RANDOM}-do-not-print"
printf '%s\n' "$PARTNER" >"$E2E_TMP/partner"
printf '%s\n' "$KTOKEN" >"$E2E_TMP/ktoken"
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err
ALL=$E2E_TMP/all-output # every byte any hubdesk printed, checked for secrets at the end
: >"$ALL"
SECRETS=("$PARTNER" "$KTOKEN")

# expect CODE [-e VAR=VALUE]... ARGS...: runs hubdesk ARGS with stdin from /dev/null; a failure
# must come with exactly one "hubdesk:" line on stderr, a usage error with nothing on stdout.
expect() {
    local want=$1 envs=()
    shift
    while [ "$1" = -e ]; do
        envs+=("$2")
        shift 2
    done
    env "${envs[@]}" "$H" "$@" >"$OUT" 2>"$ERR" </dev/null
    local rc=$?
    cat "$OUT" "$ERR" >>"$ALL"
    [ "$rc" = "$want" ] || fail "'hubdesk $*' exited $rc, want $want; stderr: $(cat "$ERR")"
    if [ "$want" != 0 ]; then
        [ "$(grep -c '^hubdesk: ' "$ERR")" = 1 ] && [ "$(wc -l <"$ERR")" = 1 ] ||
            fail "'hubdesk $*' should say why in one 'hubdesk:' line; stderr: $(cat "$ERR")"
    fi
    if [ "$want" = 2 ] && [ -s "$OUT" ]; then
        fail "'hubdesk $*': a usage error printed to stdout: $(cat "$OUT")"
    fi
}

# jout EXPR [ARG]: the python EXPR over the JSON document in $OUT (j; ARG is sys.argv[3]).
jout() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$@"; }

# The sandbox's view of a Whapi channel: a field of /_sandbox/whapi/channels/ID.
wch() { json_get "$(sb_req GET "/_sandbox/whapi/channels/$1")" "$2"; }

proc_gone() { ! kill -0 "$1" 2>/dev/null; }
# bg_start OUTFILE ERRFILE ARGS...: hubdesk in the background; sets BG.
bg_start() {
    local o=$1 e=$2
    shift 2
    "$H" "$@" >"$o" 2>"$e" </dev/null &
    BG=$!
    E2E_BG_PIDS+=("$BG")
}
# bg_wait PID TIMEOUT: sets RC.
bg_wait() {
    wait_until "$2" proc_gone "$1" || fail "hubdesk (pid $1) did not exit"
    wait "$1"
    RC=$?
}

sandbox_start --token-file "$E2E_TMP/ktoken" --whapi-partner-token-file "$E2E_TMP/partner" \
    --whapi-launch-ms 300 --qr-first-ms 3000 --qr-next-ms 3000 --signup-poll-s 1 \
    --scan-delay-ms 200
export HUBDESK_PASSPHRASE_FILE=$PASS
WBASE=$SB_URL/whapi/manager
WGATE=$SB_URL/whapi/gate

# ---- bad argv: exit 2, one line, nothing read or sent ----------------------------------------
expect 2 channels --profile wa --bogus
expect 2 channels --profile
expect 2 projects --profile wa --wait
expect 2 channel frobnicate x --profile wa
expect 2 channel live --profile wa
expect 2 connect --profile wa --mode fax
expect 2 connect --profile kb --mode browser --phone 5511987654321
log "bad argv: exit 2 with one line each"

# ---- vault and profiles ----------------------------------------------------------------------
expect 0 vault init
"$H" profile add wa --provider whapi --base-url "$WBASE" --gate-url "$WGATE" \
    <"$E2E_TMP/partner" >>"$ALL" 2>&1 || fail "profile add wa"
"$H" profile add kb --provider keebai --base-url "$SB_BASE" <"$E2E_TMP/ktoken" >>"$ALL" 2>&1 ||
    fail "profile add kb"
expect 2 profile add kb2 --provider keebai --gate-url "$WGATE"
expect 0 profile list --json
grep -q "\"gate_url\": *\"$WGATE\"" "$OUT" || fail "profile list lacks the gate URL: $(cat "$OUT")"

# ---- Whapi: projects, channel create ------------------------------------------------------
expect 0 projects --profile wa
grep -Eq '^ID +NAME' "$OUT" && grep -Eq '^hdSandboxMainProject +Main$' "$OUT" ||
    fail "projects table: $(cat "$OUT")"
expect 0 projects --profile wa --json
PROJECT=$(jout 'j[0]["id"]')
[ "$PROJECT" = hdSandboxMainProject ] || fail "projects --json: $(cat "$OUT")"
expect 2 -e HUBDESK_TOKEN="$PARTNER" channel create --provider whapi --base-url "$WBASE" \
    --name Lost --project "$PROJECT"
sb_req GET /_sandbox/whapi/channels/latest >/dev/null && fail "a channel was created without a vault"
expect 0 channel create --profile wa --name "E2E shop" --project "$PROJECT" --json
CH=$(jout 'j["id"]')
[ "$(jout 'j["token_saved_as"]')" = "wa/ch/$CH" ] || fail "channel create --json: $(cat "$OUT")"
CHTOKEN=$(wch "$CH" token)
[ -n "$CHTOKEN" ] || fail "the sandbox has no channel $CH"
SECRETS+=("$CHTOKEN")
expect 0 vault list
grep -Eq "^wa/ch/$CH +channel-token .*${CHTOKEN: -4} +wa " "$OUT" || fail "vault list: $(cat "$OUT")"
expect 0 channels --profile wa --project "$PROJECT"
grep -Eq "^$CH +E2E shop +.* trial +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$" "$OUT" ||
    fail "channels table: $(cat "$OUT")"
log "whapi: projects, channel create $CH (token in the vault), channels"

# Another process holds the vault's lock when the hub answers: the channel exists but its token
# cannot be kept. The command must say so loudly (entry name, what to do), exit 1, and still
# never print the token.
"$PY" -c 'import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)' "$HOME/.local/share/hubdesk/vault.lock" >"$E2E_TMP/locker.out" &
LOCKER=$!
E2E_BG_PIDS+=("$LOCKER")
wait_until 5 grep -q locked "$E2E_TMP/locker.out" || fail "could not lock the vault"
expect 1 channel create --profile wa --name "E2E lost" --project "$PROJECT"
kill "$LOCKER"
wait "$LOCKER" 2>/dev/null
LOST=$(wch latest id)
[ "$LOST" != "$CH" ] || fail "no second channel was created"
SECRETS+=("$(wch "$LOST" token)")
grep -q "$LOST EXISTS BUT ITS TOKEN WAS NOT SAVED in the vault as wa/ch/$LOST" "$ERR" ||
    fail "the lost token was not reported loudly: $(cat "$ERR")"
grep -q "^Created channel $LOST" "$OUT" || fail "the lost channel was not printed: $(cat "$OUT")"
log "whapi: a token the vault could not take is reported loudly, exit 1"

# ---- Whapi: connect --mode qr on a terminal, status --wait alongside -------------------------
wqr_decodes() {
    local before after
    before=$(wch "$CH" rowdata) && [ -n "$before" ] || return 1
    qr_decodes "$before" both || return 1
    after=$(wch "$CH" rowdata) && [ "$before" = "$after" ]
}
bg_start "$E2E_TMP/st.out" "$E2E_TMP/st.err" status --profile wa --channel "$CH" --wait \
    --interval-ms 200 --json
ST=$BG
tmux_start 100 40 xterm-256color "HUBDESK_PASSPHRASE_FILE=$PASS" "HOME=$HOME"
pane_run "'$H' connect --profile wa --mode qr --channel $CH"
wait_for_screen '^QR [0-9]+, expires in' 10
wait_until 8 wqr_decodes || fail "the QR does not decode to the channel's rowdata: $(cat "$E2E_TMP/pane_qr.out")"
log "whapi: connect --mode qr shows a QR that decodes on both themes"
sb_req POST "/_sandbox/whapi/channels/$CH/scan" >/dev/null || fail "the sandbox refused the scan"
[ "$(pane_wait_rc 10)" = 0 ] || fail "connect --mode qr did not exit 0 after the scan"
grep -q "^connected $CH" "$E2E_TXT" || fail "no 'connected $CH' line"
cat "$E2E_TXT" >>"$ALL"
tmx kill-server
bg_wait "$ST" 10
cat "$E2E_TMP/st.out" "$E2E_TMP/st.err" >>"$ALL"
[ "$RC" = 0 ] || fail "status --wait exited $RC: $(cat "$E2E_TMP/st.err")"
"$PY" - "$E2E_TMP/st.out" "$CH" <<'EOF' || fail "status --wait output: $(cat "$E2E_TMP/st.out")"
import json, sys
states = [json.loads(l) for l in open(sys.argv[1])]
texts = [s["text"] for s in states]
assert texts[-1] == "AUTH" and "QR" in texts, texts
assert len(texts) == len(set(texts)), "a line per change only: %r" % texts
assert all(s["channel_id"] == sys.argv[2] and s["meaning"] for s in states), states
EOF
log "whapi: scanned: connect exits 0, status --wait saw $(tr -d '\n' <"$E2E_TMP/st.out" | grep -o '"text": *"[A-Z_]*"' | tr '\n' ' ')"

expect 0 status --profile wa --channel "$CH"
grep -q '^AUTH: ' "$OUT" || fail "status: $(cat "$OUT")"
expect 2 webhook set --profile wa --channel "$CH" --url http://example.com/hook
expect 0 webhook set --profile wa --channel "$CH" --url https://example.com/wa-hook
grep -q 'https://example.com/wa-hook' "$OUT" || fail "webhook set: $(cat "$OUT")"
expect 0 channel live "$CH" --profile wa
[ "$(wch "$CH" mode)" = live ] || fail "channel live: the sandbox says $(wch "$CH" mode)"
log "whapi: status AUTH, webhook set, channel live"

# ---- Whapi: code mode --------------------------------------------------------------------
expect 0 channel create --profile wa --name "E2E code" --project "$PROJECT"
CH2=$(wch latest id)
SECRETS+=("$(wch "$CH2" token)")
grep -q "wa/ch/$CH2" "$OUT" || fail "channel create: $(cat "$OUT")"
expect 2 connect --profile wa --mode code --channel "$CH2" --phone 0551198765
grep -q -- "--country" "$ERR" || fail "a national phone without a country: $(cat "$ERR")"
expect 2 connect --profile wa --mode code --channel "$CH2" --phone 12ab
grep -q "letters" "$ERR" || fail "a phone with letters: $(cat "$ERR")"
# code_for PHONE WANT [WARN]: a pairing code asked for PHONE reaches the hub as WANT, said back
# on stderr (and WARN, a regex, in a "hubdesk: warning:" line); the session is then cancelled.
code_for() {
    bg_start "$OUT" "$ERR" connect --profile wa --mode code --channel "$CH2" --phone "$1"
    wait_until 10 grep -Eq '^Pairing code: [0-9A-Z]{4}-[0-9A-Z]{4}$' "$OUT" ||
        fail "no pairing code for '$1': $(cat "$OUT" "$ERR")"
    [ "$(wch "$CH2" login_phone)" = "$2" ] || fail "'$1' reached the hub as $(wch "$CH2" login_phone)"
    if [ "$1" != "$2" ]; then
        grep -Fq -- "--phone $1 reads as" "$ERR" || fail "'$1' not said back: $(cat "$ERR")"
        grep -q -- "the hub gets $2" "$ERR" || fail "'$1': the hub's form not said: $(cat "$ERR")"
    fi
    if [ -n "${3:-}" ]; then
        grep -Eq "^hubdesk: warning: --phone: .*$3" "$ERR" || fail "'$1': no warning: $(cat "$ERR")"
    else
        grep -q "warning" "$ERR" && fail "'$1': an unexpected warning: $(cat "$ERR")"
    fi
    kill -INT "$BG"
    bg_wait "$BG" 10
    cat "$OUT" "$ERR" >>"$ALL"
}
code_for '+55 11 98765-4321' 5511987654321
code_for '+54 11 2345-6789' 541123456789 'Argentine mobile numbers take a 9'
expect 0 profile edit wa --country br
code_for '(11) 98765-4321' 5511987654321
expect 0 profile list --json
grep -Eq '^\{"name":"wa",.*"country":"BR"' "$OUT" || fail "profile list --json: $(cat "$OUT")"
log "whapi: code mode: +55 11 98765-4321 and (11) 98765-4321 (country BR) reach the hub as 5511987654321; +54 without 9 warned"
bg_start "$OUT" "$ERR" connect --profile wa --mode code --channel "$CH2" --phone 5511987654321
wait_until 10 grep -Eq '^Pairing code: [0-9A-Z]{4}-[0-9A-Z]{4}$' "$OUT" ||
    fail "no pairing code: $(cat "$OUT" "$ERR")"
wait_until 5 eval '[ "$(wch "$CH2" status)" = QR ]' || fail "channel $CH2 never showed a QR"
sb_req POST "/_sandbox/whapi/channels/$CH2/scan" >/dev/null || fail "the sandbox refused the scan"
bg_wait "$BG" 10
cat "$OUT" "$ERR" >>"$ALL"
[ "$RC" = 0 ] || fail "connect --mode code exited $RC: $(cat "$ERR")"
log "whapi: code mode: $(grep '^Pairing code' "$OUT"), linked, exit 0"

# ---- Whapi: delete -------------------------------------------------------------------------
expect 2 channel delete "$CH2" --profile wa
expect 0 channel delete "$CH2" --profile wa --yes
sb_req GET "/_sandbox/whapi/channels/$CH2" >/dev/null && fail "channel $CH2 still exists"
expect 0 vault list
grep -q "wa/ch/$CH2" "$OUT" && fail "the deleted channel's token is still in the vault"
log "whapi: channel delete --yes removed the channel and its vault entry"

# ---- Keebai ---------------------------------------------------------------------------------
# How many webhooks the sandbox's Keebai has (asked with the token, never printed).
kb_hooks() {
    "$PY" - "$SB_BASE" "$E2E_TMP/ktoken" <<'EOF'
import json, sys, urllib.request
base, tokfile = sys.argv[1:3]
tok = open(tokfile).read().strip()
req = urllib.request.Request(base + "/v1/webhooks", headers={"Authorization": "Bearer " + tok})
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(req, timeout=5) as r:
    d = json.load(r)
print(len(d.get("data", d) if isinstance(d, dict) else d))
EOF
}
hooks_before=$(kb_hooks) || fail "cannot list the sandbox's webhooks"
expect 2 webhook set --profile kb --url ftp://example.com/kb
expect 2 webhook set --profile kb --url 'https://exa mple.com/kb'
expect 2 webhook set --profile kb --url https://example.com/kb --event no.such.event
[ "$(kb_hooks)" = "$hooks_before" ] || fail "a refused webhook URL reached the hub"
expect 0 webhook set --profile kb --url https://example.com/kb --event whatsapp.channel.connected --json
HOOK=$(jout 'j["id"]')
[ "$(jout 'j["secret_saved_as"]')" = "kb/hook/$HOOK" ] || fail "webhook set --json: $(cat "$OUT")"
grep -q 'whsec_' "$OUT" "$ERR" && fail "the signing secret was printed"
expect 0 vault list
grep -Eq "^kb/hook/$HOOK +webhook-secret " "$OUT" || fail "vault list: $(cat "$OUT")"
log "keebai: channels, webhook $HOOK (secret in the vault), bad URLs refused"

# The verification URI the sandbox handed out last.
sb_latest_signup_uri() {
    "$PY" - "$SB_URL" <<'EOF'
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(sys.argv[1] + "/_sandbox/signup/latest", timeout=5) as r:
    sid = json.load(r)["session_id"]
print(sys.argv[1] + "/keebai-portal/connect/whatsapp?session=" + sid)
EOF
}
bg_start "$OUT" "$ERR" connect --profile kb --mode browser --json
wait_until 10 grep -q '"event": *"link"' "$OUT" || fail "no link event: $(cat "$OUT" "$ERR")"
url=$(json_get "$(grep '"event": *"link"' "$OUT" | head -n 1)" url)
[ "$url" = "$(sb_latest_signup_uri)" ] || fail "link event url: $url"
sb_req POST /_sandbox/signup/latest/complete >/dev/null || fail "the sandbox refused to complete"
bg_wait "$BG" 10
cat "$OUT" "$ERR" >>"$ALL"
[ "$RC" = 0 ] || fail "browser mode: exit $RC after completing: $(cat "$ERR")"
[ "$(json_get "$(tail -n 1 "$OUT")" event)" = connected ] || fail "browser mode: $(tail -n 1 "$OUT")"
cp "$OUT" "$E2E_TMP/browser.json"
bg_start "$OUT" "$ERR" connect --profile kb --mode browser
wait_until 10 grep -q 'session=' "$OUT" || fail "browser mode: no link printed: $(cat "$OUT" "$ERR")"
link=$(grep -m1 'session=' "$OUT")
[ "$link" = "$(sb_latest_signup_uri)" ] || fail "browser mode: printed '$link'"
# Not a terminal: plain glyphs, ink as on a light theme; the QR must decode to the same link.
wait_until 5 "$PANE_QR" --theme light --expect "$link" "$OUT" >"$E2E_TMP/pane_qr.out" 2>&1 ||
    fail "the link's QR does not decode: $(cat "$E2E_TMP/pane_qr.out")"
sb_req POST /_sandbox/signup/latest/expire >/dev/null || fail "the sandbox refused to expire"
bg_wait "$BG" 10
cat "$OUT" "$ERR" >>"$ALL"
[ "$RC" = 4 ] || fail "browser mode: exit $RC after expiry, want 4: $(cat "$ERR")"
[ "$(grep -c '^hubdesk: ' "$ERR")" = 1 ] || fail "expiry: want one hubdesk: line: $(cat "$ERR")"
log "keebai: browser mode: link (its QR decodes), complete -> 0, expire -> 4"

KCH=$(json_get "$(grep '"event": *"connected"' "$E2E_TMP/browser.json")" channel_id)
expect 0 channels --profile kb
grep -Eq '^ID +NAME +TYPE +PHONE +ACTIVE$' "$OUT" && grep -Eq "^$KCH +.* +yes$" "$OUT" ||
    fail "keebai channels should list $KCH: $(cat "$OUT")"
expect 0 channels --profile kb --json
[ "$(jout '[c["id"] for c in j].count(sys.argv[3])' "$KCH")" = 1 ] ||
    fail "channels --json lacks $KCH: $(cat "$OUT")"
log "keebai: channels lists the connected channel $KCH"

expect 3 -e HUBDESK_TOKEN="wrong-$KTOKEN" channels --provider keebai --base-url "$SB_BASE"
grep -q 'UNAUTHORIZED' "$ERR" || fail "a wrong token should show the envelope's code: $(cat "$ERR")"
expect 3 -e HUBDESK_TOKEN="wrong-$KTOKEN" channels --provider keebai --base-url "$SB_BASE" --json
grep -q '"event": *"failed"' "$OUT" || fail "--json: no failed event: $(cat "$OUT")"
log "wrong token: exit 3 with the envelope's code"

# ---- no secret anywhere ----------------------------------------------------------------------
for s in "${SECRETS[@]}"; do
    grep -qF -- "$s" "$ALL" && fail "a secret was printed: ${s:0:6}..."
done
grep -q 'whsec_' "$ALL" && fail "a webhook signing secret was printed"
log "no token or secret in any output; pass"
