#!/usr/bin/env bash
# test_history.sh BUILD_DIR: the journal of hub changes and `hubdesk history`, end to end.
#  - line mode on Whapi (channel create, webhook set with a key in the URL's query, channel
#    live, a live that fails, channel delete) and Keebai (webhook set with its signing secret,
#    connect --mode browser): `history --json` lists every change in order with its op, id and
#    result; the journal holds no token, signing secret or URL key;
#  - --profile and --since filter, a bad --since exits 2, the table lists the same changes;
#  - a damaged line is skipped and reported in one stderr line, exit 0; no journal: empty;
#  - a journal that cannot be written costs a warning line, never the change (exit 0);
# shellcheck source=tests/e2e/lib.sh disable=SC2016 # eval strings expand later
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME HUBDESK_PASSPHRASE_FILE
mkdir -p "$HOME"
JOURNAL=$XDG_STATE_HOME/hubdesk/journal.jsonl
PASS=$E2E_TMP/pass
printf 'history passphrase\n' >"$PASS"
chmod 600 "$PASS"
PARTNER="partner-$$-${RANDOM}${RANDOM}-do-not-journal"
KTOKEN="kbai-$$-${RANDOM}${RANDOM}-do-not-journal"
URLKEY="urlkey-$$-${RANDOM}${RANDOM}"
printf '%s\n' "$PARTNER" >"$E2E_TMP/partner"
printf '%s\n' "$KTOKEN" >"$E2E_TMP/ktoken"
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err
SECRETS=("$PARTNER" "$KTOKEN" "$URLKEY" "history passphrase")

# expect CODE ARGS...: hubdesk ARGS, stdin from /dev/null, the exit code checked.
expect() {
    local want=$1
    shift
    "$H" "$@" >"$OUT" 2>"$ERR" </dev/null
    local rc=$?
    [ "$rc" = "$want" ] || fail "'hubdesk $*' exited $rc, want $want; stderr: $(cat "$ERR")"
}
jout() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$@"; }
wch() { json_get "$(sb_req GET "/_sandbox/whapi/channels/$1")" "$2"; }
proc_gone() { ! kill -0 "$1" 2>/dev/null; }

# history_is EXPECTED: `history --json` output ($OUT) as "op result id" lines, compared.
history_is() {
    local got
    got=$("$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert sorted(e) == sorted(["time", "profile", "hub", "op", "id", "result", "detail"]), e
    print(e["profile"], e["hub"], e["op"], e["result"], e["id"] or "-")' "$OUT") ||
        fail "history --json is not one JSON entry a line: $(cat "$OUT")"
    [ "$got" = "$1" ] || fail "history --json lists
$got
want
$1"
}

sandbox_start --token-file "$E2E_TMP/ktoken" --whapi-partner-token-file "$E2E_TMP/partner" \
    --whapi-launch-ms 300 --qr-first-ms 3000 --qr-next-ms 3000 --scan-delay-ms 200
export HUBDESK_PASSPHRASE_FILE=$PASS
WBASE=$SB_URL/whapi/manager
WGATE=$SB_URL/whapi/gate

# ---- no journal yet: an empty history --------------------------------------------------------
expect 0 history --json
[ -s "$OUT" ] && fail "history --json without a journal printed: $(cat "$OUT")"
[ -s "$ERR" ] && fail "history without a journal complained: $(cat "$ERR")"
expect 0 history
[ -n "$(cat "$OUT")" ] || fail "history without a journal printed nothing"

# ---- line mode: Whapi ------------------------------------------------------------------------
expect 0 vault init
"$H" profile add wa --provider whapi --base-url "$WBASE" --gate-url "$WGATE" \
    <"$E2E_TMP/partner" >/dev/null 2>&1 || fail "profile add wa"
"$H" profile add kb --provider keebai --base-url "$SB_BASE" <"$E2E_TMP/ktoken" >/dev/null 2>&1 ||
    fail "profile add kb"
expect 0 channels --profile wa --project hdSandboxMainProject # reads are not journaled
expect 0 channel create --profile wa --name "History shop" --project hdSandboxMainProject --json
CH=$(jout 'j["id"]')
CHTOKEN=$(wch "$CH" token)
[ -n "$CHTOKEN" ] || fail "the sandbox has no channel $CH"
SECRETS+=("$CHTOKEN")
expect 0 webhook set --profile wa --channel "$CH" --url "https://example.com/wa-hook?key=$URLKEY"
expect 0 channel live "$CH" --profile wa
expect 1 channel live NO-SUCH-CHANNEL --profile wa
expect 0 channel delete "$CH" --profile wa --yes
log "whapi: channel create $CH, webhook set, live, a failed live, delete"

# ---- line mode: Keebai -----------------------------------------------------------------------
expect 0 webhook set --profile kb --url https://example.com/kb --event whatsapp.channel.connected --json
HOOK=$(jout 'j["id"]')
"$H" vault show "kb/hook/$HOOK" >"$E2E_TMP/hooksecret" 2>/dev/null </dev/null ||
    fail "vault show kb/hook/$HOOK"
HOOKSECRET=$(cat "$E2E_TMP/hooksecret")
[ -n "$HOOKSECRET" ] || fail "no signing secret in the vault"
SECRETS+=("$HOOKSECRET")
"$H" connect --profile kb --mode browser --json >"$OUT" 2>"$ERR" </dev/null &
BG=$!
E2E_BG_PIDS+=("$BG")
wait_until 10 grep -q '"event": *"link"' "$OUT" || fail "no link event: $(cat "$OUT" "$ERR")"
sb_req POST /_sandbox/signup/latest/complete >/dev/null || fail "the sandbox refused to complete"
wait_until 10 proc_gone "$BG" || fail "connect did not exit"
wait "$BG" || fail "connect --mode browser failed: $(cat "$ERR")"
KCH=$(json_get "$(tail -n 1 "$OUT")" channel_id)
[ -n "$KCH" ] || fail "connect --json gave no channel id: $(cat "$OUT")"
log "keebai: webhook set $HOOK, connect --mode browser -> $KCH"

# ---- history ---------------------------------------------------------------------------------
expect 0 history --json
[ -s "$ERR" ] && fail "history complained: $(cat "$ERR")"
history_is "wa whapi channel_create ok $CH
wa whapi webhook_set ok $CH
wa whapi live ok $CH
wa whapi live failed NO-SUCH-CHANNEL
wa whapi channel_delete ok $CH
kb keebai webhook_set ok -
kb keebai pair ok $KCH"
cp "$OUT" "$E2E_TMP/all.json"
"$PY" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[1]["detail"] == "https://example.com/wa-hook", lines[1]
assert lines[3]["detail"], lines[3]
assert lines[6]["detail"] == "browser", lines[6]
times = [l["time"] for l in lines]
assert times == sorted(times), times' "$OUT" || fail "history details: $(cat "$OUT")"
for s in "${SECRETS[@]}"; do
    grep -qF -- "$s" "$JOURNAL" && fail "the journal holds a secret (${s:0:6}...)"
done
[ "$(stat -c %a "$JOURNAL")" = 600 ] || fail "journal mode $(stat -c %a "$JOURNAL")"
[ "$(stat -c %a "$(dirname "$JOURNAL")")" = 700 ] || fail "journal directory mode"
log "history --json: 7 changes in order, no secret in the journal"

expect 0 history --profile kb --json
history_is "kb keebai webhook_set ok -
kb keebai pair ok $KCH"
expect 0 history --profile nobody --json
[ -s "$OUT" ] && fail "--profile nobody listed: $(cat "$OUT")"
expect 0 history --since "$(date +%Y-%m-%d)" --json
cmp -s "$OUT" "$E2E_TMP/all.json" || fail "--since today differs: $(cat "$OUT")"
expect 0 history --since "$(date -d tomorrow +%Y-%m-%d)" --json
[ -s "$OUT" ] && fail "--since tomorrow listed: $(cat "$OUT")"
for bad in 2024-13-01 yesterday 2023-02-29 ''; do
    expect 2 history --since "$bad"
    [ "$(wc -l <"$ERR")" = 1 ] || fail "--since '$bad': $(cat "$ERR")"
done
expect 2 history --bogus
expect 2 history extra
expect 0 history
[ "$(grep -c ' whapi ' "$OUT")" = 5 ] && [ "$(grep -c ' keebai ' "$OUT")" = 2 ] ||
    fail "history table: $(cat "$OUT")"
grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} +wa +whapi +live +NO-SUCH-CHANNEL +failed " "$OUT" ||
    fail "history table row: $(cat "$OUT")"
log "history: --profile, --since, bad --since exits 2, table"

# ---- damaged lines ---------------------------------------------------------------------------
printf 'junk line\n{"time":1}\n' >>"$JOURNAL"
expect 0 history --json
cmp -s "$OUT" "$E2E_TMP/all.json" || fail "damaged lines changed the history: $(cat "$OUT")"
[ "$(cat "$ERR")" = "hubdesk: 2 damaged lines in $JOURNAL were skipped" ] ||
    fail "damaged lines: $(cat "$ERR")"
printf '{"time":12,"prof' >>"$JOURNAL" # a writer killed mid-line
expect 0 history --json
grep -q "3 damaged lines" "$ERR" || fail "a cut last line: $(cat "$ERR")"
log "damaged lines skipped and reported, exit 0"

# ---- a journal that cannot be written never fails the change ---------------------------------
: >"$E2E_TMP/not-a-dir"
XDG_STATE_HOME=$E2E_TMP/not-a-dir "$H" channel create --profile wa --name "No journal" \
    --project hdSandboxMainProject >"$OUT" 2>"$ERR" </dev/null ||
    fail "channel create failed when the journal could not be written: $(cat "$ERR")"
grep -q '^hubdesk: The change was made, but the journal could not record it' "$ERR" ||
    fail "no journal warning: $(cat "$ERR")"
log "an unwritable journal: the change is made, one warning line"

log "pass"
