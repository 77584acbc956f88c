#!/usr/bin/env bash
# test_vault_cli.sh BUILD_DIR: `hubdesk vault`, `hubdesk profile` and `connect --profile` in line
# mode: passphrases from an fd or a file (never argv), bad arguments and bad vault files get a
# clear message and the right exit code, and a canary token stored in the vault never shows up
# in clear anywhere observable: stdout/stderr, /proc/PID/cmdline and environ, files under HOME
# (the vault holds it encrypted only).
# shellcheck source=tests/e2e/lib.sh disable=SC2016
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
CANARY="canary-$$-${RANDOM}${RANDOM}-tok-9Zq7"
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME HUBDESK_PASSPHRASE_FILE
mkdir -p "$HOME"
VAULT=$HOME/.local/share/hubdesk/vault
PASS=$E2E_TMP/pass
NEWPASS=$E2E_TMP/newpass
WRONG=$E2E_TMP/wrong
printf 'correct horse battery\n' >"$PASS"
printf 'a whole new passphrase\n' >"$NEWPASS"
printf 'not it\n' >"$WRONG"
chmod 600 "$PASS" "$NEWPASS" "$WRONG" # private, like any passphrase file (else a warning line)
printf '%s\n' "$CANARY" >"$E2E_TMP/token"
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err

# expect CODE COMMAND...: runs it with stdin from /dev/null unless redirected by the caller.
expect() {
    local want=$1; shift
    "$@" >"$OUT" 2>"$ERR"
    local rc=$?
    [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want; stderr: $(cat "$ERR")"
    if [ "$want" != 0 ]; then
        [ "$(wc -l <"$ERR")" = 1 ] && grep -q '^hubdesk: ' "$ERR" ||
            fail "'$*' should say why in one 'hubdesk:' line; stderr: $(cat "$ERR")"
    fi
}
with_pass() { HUBDESK_PASSPHRASE_FILE=$PASS "$@"; }

# ---- usage errors ----------------------------------------------------------------------
expect 2 "$H" vault </dev/null
expect 2 "$H" vault frobnicate </dev/null
expect 2 "$H" vault add </dev/null
expect 2 "$H" vault list extra </dev/null
expect 2 "$H" vault list --passphrase-fd abc </dev/null
expect 2 "$H" vault list --passphrase-fd </dev/null
expect 2 "$H" vault list --bogus </dev/null
expect 2 "$H" profile </dev/null
expect 2 "$H" profile add onlyname </dev/null
expect 2 "$H" profile rm </dev/null
expect 1 with_pass "$H" vault list </dev/null
grep -q 'no vault' "$ERR" || fail "listing without a vault should say there is none: $(cat "$ERR")"
log "usage errors: exit 2 with one line each"

# ---- init, passphrase from an fd --------------------------------------------------------
expect 0 "$H" vault init --passphrase-fd 3 3<"$PASS"
[ -f "$VAULT" ] || fail "no vault at $VAULT"
[ "$(stat -c %a "$VAULT")" = 600 ] || fail "the vault is not 0600"
[ "$(stat -c %a "$(dirname "$VAULT")")" = 700 ] || fail "the vault directory is not 0700"
expect 1 "$H" vault init --passphrase-fd 3 3<"$PASS"
grep -q 'already exists' "$ERR" || fail "a second init should refuse: $(cat "$ERR")"
expect 3 env HUBDESK_PASSPHRASE_FILE="$WRONG" "$H" vault list </dev/null
grep -q 'wrong passphrase' "$ERR" || fail "a wrong passphrase should say so"
expect 2 env HUBDESK_PASSPHRASE_FILE="$E2E_TMP/nope" "$H" vault list </dev/null

# ---- profile add stores the token from stdin in the vault --------------------------------
sandbox_start --token-file "$E2E_TMP/token" --qr-first-ms 3000 --scan-delay-ms 200
expect 0 with_pass "$H" profile add lab --provider keebai --base-url "$SB_BASE" \
    --label "Workshop lab" <"$E2E_TMP/token"
expect 2 with_pass "$H" profile add lab --provider keebai --base-url "$SB_BASE" <"$E2E_TMP/token"
expect 2 with_pass "$H" profile add other --provider keebai --base-url http://hub.example.com \
    <"$E2E_TMP/token"
expect 2 with_pass "$H" profile add other --provider nosuchhub <"$E2E_TMP/token"
expect 0 "$H" profile list
grep -q '^lab .*keebai' "$OUT" || fail "profile list does not show lab: $(cat "$OUT")"
expect 0 with_pass "$H" vault list </dev/null
grep -q "^lab-token .*api-token .*${CANARY: -4}" "$OUT" || fail "vault list: $(cat "$OUT")"
grep -qF "$CANARY" "$OUT" && fail "vault list shows the whole secret"
log "profile stored; vault list masks the token"

# ---- connect --profile: the canary never shows up in clear --------------------------------
with_pass "$H" connect --profile lab --qr --json >"$OUT" 2>"$ERR" </dev/null &
pid=$!
E2E_BG_PIDS+=("$pid")
wait_until 10 grep -q '"event":"qr"' "$OUT" || fail "no QR from connect --profile: $(cat "$ERR")"
for f in cmdline environ; do
    tr '\0' '\n' <"/proc/$pid/$f" | grep -qF "$CANARY" && fail "the canary is in /proc/$pid/$f"
done
for c in $(children_of "$pid"); do
    tr '\0' '\n' <"/proc/$c/environ" | grep -qF "$CANARY" && fail "the canary is in a child's environ"
done
sb_scan
wait "$pid"
rc=$?
[ "$rc" = 0 ] || fail "connect --profile exited $rc: $(cat "$ERR")"
grep -q '"event":"connected"' "$OUT" || fail "no connected event"
grep -qF "$CANARY" "$OUT" "$ERR" && fail "the canary is in connect's output"
if grep -rlaF "$CANARY" "$HOME" >"$E2E_TMP/hits"; then
    fail "the canary is in clear in: $(cat "$E2E_TMP/hits")"
fi
log "canary: not in output, /proc, config or vault (clear text)"

# HUBDESK_TOKEN overrides the profile's token without unlocking the vault (no passphrase given).
expect 3 env HUBDESK_TOKEN=not-the-token "$H" connect --profile lab --qr --json </dev/null
expect 2 "$H" connect --profile nosuch --qr </dev/null

# ---- passwd, kinds, rm, damaged files, reset ----------------------------------------------
expect 0 with_pass "$H" vault passwd --new-passphrase-fd 4 4<"$NEWPASS" </dev/null
expect 3 with_pass "$H" vault list </dev/null
expect 0 env HUBDESK_PASSPHRASE_FILE="$NEWPASS" "$H" vault list </dev/null
printf 'whsec-12345678\n' >"$E2E_TMP/wh"
expect 2 env HUBDESK_PASSPHRASE_FILE="$NEWPASS" "$H" vault add hook --kind nonsense <"$E2E_TMP/wh"
expect 0 env HUBDESK_PASSPHRASE_FILE="$NEWPASS" "$H" vault add hook --kind webhook-secret <"$E2E_TMP/wh"
expect 1 env HUBDESK_PASSPHRASE_FILE="$NEWPASS" "$H" vault add hook <"$E2E_TMP/wh"
expect 2 env HUBDESK_PASSPHRASE_FILE="$NEWPASS" "$H" vault add empty </dev/null
expect 0 env HUBDESK_PASSPHRASE_FILE="$NEWPASS" "$H" vault rm hook </dev/null
expect 1 env HUBDESK_PASSPHRASE_FILE="$NEWPASS" "$H" vault rm hook </dev/null

cp "$VAULT" "$E2E_TMP/vault.good"
chmod 644 "$VAULT"
expect 1 env HUBDESK_PASSPHRASE_FILE="$NEWPASS" "$H" vault list </dev/null
grep -q 'chmod 600' "$ERR" || fail "a 0644 vault should be refused with the fix: $(cat "$ERR")"
chmod 600 "$VAULT"
size=$(stat -c %s "$VAULT")
printf '\x5a' | dd of="$VAULT" bs=1 seek=$((size - 5)) conv=notrunc status=none
expect 1 env HUBDESK_PASSPHRASE_FILE="$NEWPASS" "$H" vault list </dev/null
grep -qiE 'damaged|tampered' "$ERR" || fail "a tampered vault should say so: $(cat "$ERR")"
cp "$E2E_TMP/vault.good" "$VAULT"
log "passwd, kinds, rm, permissions and tampering"

expect 2 "$H" vault reset </dev/null
[ -f "$VAULT" ] || fail "reset without --yes deleted the vault"
expect 0 "$H" profile rename lab lab2 </dev/null
expect 2 "$H" profile rename lab2 "has space" </dev/null
expect 2 "$H" profile rename nosuch other </dev/null
expect 2 "$H" profile edit lab2 --base-url http://hub.example.com </dev/null
expect 2 "$H" profile edit lab2 --provider other </dev/null
expect 0 "$H" profile edit lab2 --label "Lab two" </dev/null
expect 0 "$H" profile list --json
[ "$(json_get "$(head -n 1 "$OUT")" label)/$(json_get "$(head -n 1 "$OUT")" name)" = "Lab two/lab2" ] ||
    fail "profile edit/rename did not stick: $(cat "$OUT")"
printf '{"profiles": [oops' >"$E2E_TMP/bad.json"
cp "$HOME/.config/hubdesk/profiles.json" "$E2E_TMP/good.json"
cp "$E2E_TMP/bad.json" "$HOME/.config/hubdesk/profiles.json"
expect 1 "$H" profile list
expect 1 "$H" profile rename lab2 lab3 </dev/null
cmp -s "$E2E_TMP/bad.json" "$HOME/.config/hubdesk/profiles.json" || fail "a bad profiles file was overwritten"
cp "$E2E_TMP/good.json" "$HOME/.config/hubdesk/profiles.json"
log "profile edit, rename; a bad profiles file is reported and kept"
expect 0 with_pass "$H" profile rm lab2 </dev/null
grep -q 'stays in the vault' "$OUT" || fail "profile rm should say where the secret went"
expect 0 "$H" vault reset --yes </dev/null
[ ! -e "$VAULT" ] || fail "reset --yes left the vault"
log "pass"
