#!/usr/bin/env bash
# test_tui_vault.sh BUILD_DIR: the console with the vault (tmux, 120x40, private HOME).
#  1. --lock-after 0 / abc / 1441 / no value: usage errors, exit 2.
#  2. First run: the "Create the vault" screen says what a lost passphrase means; mismatching
#     passphrases are refused (no vault file), a short one too; matching ones create the vault
#     (0600) and open the (empty) hub account list.
#  3. Profiles added from a shell (`hubdesk profile add`, token on stdin) show up in the list;
#     one names a vault entry that does not exist.
#  4. Ctrl-X locks: the unlock screen. Wrong passphrases: the error and a growing delay shown as a
#     countdown (1 s, then 2 s) during which typing, even the right passphrase, is ignored; then
#     the right passphrase unlocks and the profile is listed again.
#  5. The profile whose entry is missing: the name screen says so and no session starts.
#     Pairing on the other: the QR decodes (pane_qr), a sandbox scan gives "Connected". While
#     it waits: the canary token (the sandbox's only accepted token, stored only in the vault) is
#     not in /proc/PID/cmdline or environ of hubdesk or its children, nor in any file under the
#     temp HOME; the vault file does not hold it in clear. Ctrl-X during a second pairing closes
#     its stream and shows the unlock screen; unlock again.
#  6. The vault screen (v): entries masked (last 4 only); add (name, kind cycled, owner, pasted
#     secret), rename, replace, delete (Esc keeps, Enter deletes) each checked with
#     `hubdesk vault list`; an invalid name is refused.
#  7. Ctrl-X from the vault screen returns to the unlock screen; Ctrl-C quits with 0.
#  8. A vault readable by others is refused with the chmod that fixes it; a profile file that is
#     not valid JSON: the list says so after unlock, and the file is untouched.
#  9. Ctrl-R on the unlock screen: the reset screen says every secret is gone; a wrong word keeps
#     the vault, Esc goes back; typing "reset" deletes the vault and opens the create screen.
# Neither the canary nor the passphrase appears in any capture of the pane, at any point.
# shellcheck source=tests/e2e/lib.sh disable=SC2016 # eval strings expand later
source "$(dirname "$0")/lib.sh" "${1:-build}"

CANARY=hdcanary-$RANDOM$RANDOM-tok-Zq7W
LAST4=Zq7W
PASS='correct horse battery staple'
H=$E2E_TMP/home
mkdir -m 700 "$H"
export HOME=$H XDG_DATA_HOME=$H/data XDG_CONFIG_HOME=$H/config
VAULT=$XDG_DATA_HOME/hubdesk/vault
PROFILES=$XDG_CONFIG_HOME/hubdesk/profiles.json
printf '%s\n' "$CANARY" >"$E2E_TMP/token" # outside HOME: the sandbox's accepted token
printf '%s\n' "$PASS" >"$E2E_TMP/pass"
unset HUBDESK_PASSPHRASE_FILE

# Every capture is checked: the canary and the passphrase never reach the screen.
eval "lib_capture() $(declare -f capture | tail -n +2)"
capture() {
    lib_capture || return 1
    if grep -Fq -e "$CANARY" -e "$PASS" "$E2E_CAP"; then
        fail "the canary token or the passphrase is on screen"
    fi
}

hd() { HUBDESK_PASSPHRASE_FILE=$E2E_TMP/pass "$HUBDESK_BIN" "$@"; }
vault_list() {
    hd vault list >"$E2E_TMP/list.out" 2>&1 || fail "vault list failed: $(cat "$E2E_TMP/list.out")"
    if grep -Fq "$CANARY" "$E2E_TMP/list.out"; then fail "vault list prints the canary"; fi
}

# ---- 1. usage errors ----------------------------------------------------------------------
for bad in 0 abc 1441 -5 '5x' ''; do
    "$HUBDESK_BIN" --lock-after "$bad" >"$E2E_TMP/usage.out" 2>&1
    rc=$?
    [ "$rc" = 2 ] || fail "--lock-after '$bad' exited $rc, not 2"
    grep -q 'lock-after' "$E2E_TMP/usage.out" || fail "--lock-after '$bad': no message"
done
"$HUBDESK_BIN" --lock-after >/dev/null 2>&1
[ $? = 2 ] || fail "--lock-after without a value is not a usage error"
log "--lock-after: bad values exit 2"

sandbox_start --token-file "$E2E_TMP/token" --qr-first-ms 8000 --qr-next-ms 8000 \
    --qr-attempts 6 --scan-delay-ms 200 --keepalive-ms 300
tmux_start 120 40 xterm-256color "HOME=$H" "XDG_DATA_HOME=$XDG_DATA_HOME" \
    "XDG_CONFIG_HOME=$XDG_CONFIG_HOME"

# ---- 2. create the vault ------------------------------------------------------------------
pane_run "'$HUBDESK_BIN' --lock-after 5"
wait_for_screen 'Create the vault' 10
grep -q 'cannot be recovered' "$E2E_TXT" || fail "the create screen does not say what a loss means"
keys_lit "$PASS"
wait_for_screen 'Strength: strong' 5
keys Enter
keys_lit "${PASS}!"
keys Enter
wait_for_screen 'passphrases differ' 5
[ ! -e "$VAULT" ] || fail "mismatching passphrases created a vault"
keys_lit short
keys Enter
keys_lit short
keys Enter
wait_for_screen 'at least 8 characters' 5
[ ! -e "$VAULT" ] || fail "a short passphrase created a vault"
keys C-u Tab C-u BTab
keys_lit "$PASS"
keys Tab
keys_lit "$PASS"
keys Enter
wait_for_screen 'No hub account is set up yet' 15
[ "$(stat -c %a "$VAULT")" = 600 ] || fail "the vault is not 0600"
log "vault created through the screen (mismatch and short passphrase refused)"

# ---- 3. a profile from the shell shows up -------------------------------------------------
printf '%s\n' "$CANARY" | hd profile add sb --provider keebai --base-url "$SB_BASE" \
    >"$E2E_TMP/add.out" 2>&1 || fail "profile add failed: $(cat "$E2E_TMP/add.out")"
wait_for_screen ' sb +Keebai +http://127' 5
# A profile whose vault entry does not exist (--secret names it; no token is stored).
hd profile add nosecret --provider keebai --base-url "$SB_BASE" --secret missing-entry \
    >"$E2E_TMP/add.out" 2>&1 || fail "profile add nosecret failed: $(cat "$E2E_TMP/add.out")"
wait_for_screen ' nosecret +Keebai' 5
log "profiles added with 'hubdesk profile add' are listed"

# ---- 4. lock, wrong passphrases, growing delay, unlock ------------------------------------
CONSOLE_PID=$(pane_hubdesk_pid) || fail "no hubdesk process in the pane"
keys C-x
wait_for_screen 'Unlock the vault' 5
grep -q 'The vault was locked' "$E2E_TXT" || fail "no 'locked' notice"
keys_lit 'not the passphrase'
keys Enter
wait_for_screen 'wrong passphrase' 10
grep -q 'Wait 1 s' "$E2E_TXT" || fail "no 1 s delay after the first wrong passphrase"
wait_for_screen '1 wrong attempt' 5
keys_lit 'still not it'
keys Enter
wait_for_screen 'Wait 2 s' 10
keys_lit "$PASS" # typed during the delay: ignored, so it must not unlock
keys Enter
wait_for_screen 'Wait 1 s' 3
wait_for_screen '2 wrong attempt' 5
sleep 0.5
screen_has 'Unlock the vault' || fail "the passphrase typed during the delay was not ignored"
keys_lit "$PASS"
keys Enter
wait_for_screen ' sb +Keebai' 15
log "wrong passphrase: error, 1 s then 2 s countdown, input ignored meanwhile; then unlocked"

# ---- 5. pairing on the profile; secret hygiene while it waits -----------------------------
no_canary_in_proc() {
    local p
    for p in "$1" $(children_of "$1"); do
        [ -r "/proc/$p/environ" ] || continue
        if tr '\0' '\n' <"/proc/$p/cmdline" | grep -Fq "$CANARY"; then
            fail "the canary is in /proc/$p/cmdline ($(comm_of "$p"))"
        fi
        if tr '\0' '\n' <"/proc/$p/environ" | grep -Fq "$CANARY"; then
            fail "the canary is in /proc/$p/environ ($(comm_of "$p"))"
        fi
    done
}
no_canary_in_files() {
    local hits
    hits=$(grep -rlF --exclude=vault -e "$CANARY" -e "$PASS" "$H")
    [ -z "$hits" ] || fail "the canary or the passphrase is in: $hits"
    [ -f "$VAULT" ] || return 0 # after the reset
    [ "$(grep -caF "$CANARY" "$VAULT")" = 0 ] || fail "the vault holds the canary in clear"
    [ "$(grep -caF "$PASS" "$VAULT")" = 0 ] || fail "the vault holds the passphrase in clear"
}
keys Down Enter # nosecret: its entry is missing, said on the account list
wait_for_screen 'secret missing-entry is not in the vault' 5
[ "$(sb_latest session_id)" = "" ] || fail "a session was started without a token"
keys Escape
wait_for_screen 'Which hub account' 5
keys Up Enter
new_qr_channel 5
wait_for_screen 'Channel name' 5
keys Enter
wait_for_screen 'QR [0-9]+ of 6' 10
wait_qr_decodes 8
no_canary_in_proc "$CONSOLE_PID"
no_canary_in_files
sb_scan
wait_for_screen 'Connected' 10
cid=$(sb_latest channel_id)
grep -Eq "Channel id: +$cid( |$)" "$E2E_TXT" || fail "the screen does not show channel id $cid"
no_canary_in_proc "$CONSOLE_PID"
log "paired with the vault's token: $cid; no canary in /proc, files or screen"

# Ctrl-X while pairing: the session stops (stream closed) and the unlock screen comes.
keys Enter # pair another: the channel list, then a new channel
new_qr_channel 5
wait_for_screen 'Channel name' 5
keys Enter
wait_for_screen 'QR [0-9]+ of 6' 10
wait_until 5 eval '[ "$(sb_latest open_streams)" = 1 ]' || fail "no stream open while pairing"
keys C-x
wait_for_screen 'Unlock the vault' 5
wait_until 5 eval '[ "$(sb_latest open_streams)" = 0 ]' || fail "the lock left the stream open"
keys_lit "$PASS"
keys Enter
wait_for_screen ' sb +Keebai' 15
log "Ctrl-X while pairing: stream closed, unlock screen; unlocked again"

# ---- 6. the vault screen ------------------------------------------------------------------
keys v
wait_for_screen 'sb-token +api-token +sb ' 5
grep -Fq "••••$LAST4" "$E2E_TXT" ||
    fail "the vault screen does not show the masked token (last 4: $LAST4)"

SECRET2=whsec-$RANDOM$RANDOM-pasted-secret-K9x2
SECRET3=whsec-$RANDOM$RANDOM-replaced-secret-M4p8
keys a
wait_for_screen 'Vault: add a secret' 5
keys_lit 'e2e hook' # a space: invalid
keys Tab Tab Tab
keys_lit "$SECRET2"
keys Enter
wait_for_screen 'invalid name' 5
keys Tab C-u
keys_lit e2e-hook
keys Tab Space Space Tab # kind: api-token -> channel-token -> app-secret
keys_lit owner1
keys Tab
capture || fail "capture failed"
if grep -Fq "$SECRET2" "$E2E_CAP"; then fail "the secret is echoed"; fi
keys Enter
wait_for_screen 'Added e2e-hook' 5
grep -Eq "e2e-hook +app-secret +owner1 .*${SECRET2: -4}" "$E2E_TXT" || fail "the new entry is not listed"
if grep -Fq "$SECRET2" "$E2E_TXT"; then fail "the new secret is on screen"; fi
vault_list
grep -Eq "^e2e-hook +app-secret +.*${SECRET2: -4} +owner1" "$E2E_TMP/list.out" ||
    fail "vault list does not have e2e-hook: $(cat "$E2E_TMP/list.out")"
log "vault screen: add (kind cycled, pasted secret) checked with vault list"

keys n
wait_for_screen 'Vault: rename' 5
keys C-u
keys_lit e2e-hook2
keys Enter
wait_for_screen 'Renamed to e2e-hook2' 5
vault_list
grep -q '^e2e-hook2 ' "$E2E_TMP/list.out" || fail "rename: no e2e-hook2 in vault list"
if grep -q '^e2e-hook ' "$E2E_TMP/list.out"; then fail "rename: e2e-hook still there"; fi

keys c
wait_for_screen 'Vault: change a secret' 5
keys_lit "$SECRET3"
keys Enter
wait_for_screen 'Replaced the secret of e2e-hook2' 5
grep -Eq "e2e-hook2 .*${SECRET3: -4}" "$E2E_TXT" || fail "replace: the new mask is not shown"
vault_list
grep -Eq "^e2e-hook2 .*${SECRET3: -4}" "$E2E_TMP/list.out" || fail "replace: vault list"

keys d
wait_for_screen 'Delete e2e-hook2\?' 5
keys Escape
wait_for_no_screen 'Delete e2e-hook2\?' 5
vault_list
grep -q '^e2e-hook2 ' "$E2E_TMP/list.out" || fail "Esc on the delete question deleted"
keys d
wait_for_screen 'Delete e2e-hook2\?.*y/N' 5
screen_has 'y yes  any other key: no' || fail "the delete question does not say how to answer"
keys Enter # Enter is a no, like any key but y: it opened everything before
wait_for_no_screen 'Delete e2e-hook2\?' 5
vault_list
grep -q '^e2e-hook2 ' "$E2E_TMP/list.out" || fail "Enter on the delete question deleted"
keys d
wait_for_screen 'Delete e2e-hook2\?' 5
keys y
wait_for_screen 'Deleted e2e-hook2' 5
vault_list
if grep -q '^e2e-hook2 ' "$E2E_TMP/list.out"; then fail "delete: still in vault list"; fi
grep -q '^sb-token ' "$E2E_TMP/list.out" || fail "delete removed the wrong entry"
log "vault screen: rename, replace, delete (Esc and Enter keep, y deletes) checked with vault list"

# ---- 7. lock from the vault screen, quit --------------------------------------------------
keys C-x
wait_for_screen 'Unlock the vault' 5
no_canary_in_proc "$CONSOLE_PID"
keys C-c
rc=$(pane_wait_rc 10)
[ "$rc" = 0 ] || fail "Ctrl-C on the unlock screen: exit $rc"
check_terminal_sane
log "Ctrl-X locks from the vault screen; Ctrl-C quits"

# ---- 8. a bad profile file is reported, never rewritten -----------------------------------
printf '{"profiles": [ oops\n' >"$PROFILES"
sum=$(sha256sum <"$PROFILES")
chmod 644 "$VAULT"
pane_run "'$HUBDESK_BIN'"
wait_for_screen 'Unlock the vault' 10
keys_lit "$PASS"
keys Enter
wait_for_screen "chmod 600 $VAULT" 10 # a vault others can read: refused, with the fix
chmod 600 "$VAULT"
keys_lit "$PASS"
keys Enter
wait_for_screen 'profile file could not be read' 15
[ "$(sha256sum <"$PROFILES")" = "$sum" ] || fail "the bad profile file was changed"
no_canary_in_files
log "a vault readable by others: refused with the fix; a bad profile file: reported, left alone"

# ---- 9. forgotten passphrase: reset, confirmed by typing the word ------------------------
keys C-x
wait_for_screen 'Unlock the vault' 5
keys C-r
wait_for_screen 'Reset the vault' 5
grep -q 'Every secret in it' "$E2E_TXT" || fail "the reset screen does not say the secrets are gone"
keys_lit nope
keys Enter
wait_for_screen 'Type reset exactly' 5
[ -f "$VAULT" ] || fail "a wrong confirmation word deleted the vault"
keys Escape
wait_for_screen 'Unlock the vault' 5
keys C-r
wait_for_screen 'Reset the vault' 5
keys_lit reset
keys Enter
wait_for_screen 'Create the vault' 5
grep -q 'was deleted' "$E2E_TXT" || fail "the create screen does not say the vault was deleted"
[ ! -e "$VAULT" ] || fail "the vault file is still there after the reset"
keys C-c
rc=$(pane_wait_rc 10)
[ "$rc" = 0 ] || fail "Ctrl-C on the create screen: exit $rc"
no_canary_in_files
log "reset: a wrong word keeps the vault, Esc goes back, 'reset' deletes it; create screen"
log "pass"
