#!/usr/bin/env bash
# test_vault_show.sh BUILD_DIR: `hubdesk vault show NAME` (issue 12, item 5): a secret handed out
# once (a channel token, a signing secret) can leave the vault, whole, to a file or a pipe;
# on a terminal only with --reveal (else exit 2, asked before the passphrase, the secret not
# shown); a missing entry or a bad name (as with vault add) exits 1, the name not echoed raw.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME
mkdir -p "$HOME"
PASS=$E2E_TMP/pass
printf 'correct horse battery\n' >"$PASS"
chmod 600 "$PASS"
export HUBDESK_PASSPHRASE_FILE=$PASS
SECRET="whsec_$$${RANDOM}${RANDOM} with spaces/and+symbols"
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err

"$H" vault init >"$OUT" 2>&1 || fail "vault init: $(cat "$OUT")"
printf '%s\n' "$SECRET" | "$H" vault add kb/hook/1 --kind webhook-secret >"$OUT" 2>&1 ||
    fail "vault add: $(cat "$OUT")"
"$H" vault show kb/hook/1 >"$OUT" 2>"$ERR" </dev/null || fail "vault show to a file: $(cat "$ERR")"
[ "$(cat "$OUT")" = "$SECRET" ] || fail "vault show printed '$(cat "$OUT")'"
[ -s "$ERR" ] && fail "vault show wrote to stderr: $(cat "$ERR")"
got=$("$H" vault show kb/hook/1 </dev/null | cat) || fail "vault show to a pipe failed"
[ "$got" = "$SECRET" ] || fail "vault show to a pipe printed '$got'"
log "vault show: the secret whole, to a file and to a pipe"

"$H" vault show nope >"$OUT" 2>"$ERR" </dev/null
rc=$?
[ "$rc" = 1 ] && [ ! -s "$OUT" ] || fail "vault show nope: exit $rc, stdout $(cat "$OUT")"
"$H" vault show $'bad\x1b[2Jname' >"$OUT" 2>"$ERR" </dev/null
rc=$?
[ "$rc" = 1 ] && grep -q "^hubdesk: " "$ERR" || fail "a bad name: exit $rc, $(cat -v "$ERR")"
if grep -q $'\x1b' "$ERR"; then fail "a bad name was echoed raw: $(cat -v "$ERR")"; fi
"$H" vault show >"$OUT" 2>"$ERR" </dev/null
[ $? = 2 ] || fail "vault show without a name should exit 2"
log "missing entry or bad name exit 1; no name exit 2"

# On a terminal: refused without --reveal (no passphrase asked: it comes from the file here,
# but the refusal must come first anyway), shown with it.
tmux_start 100 10 xterm-256color "HOME=$HOME" "HUBDESK_PASSPHRASE_FILE=$PASS"
pane_run "'$H' vault show kb/hook/1"
[ "$(pane_wait_rc 10)" = 2 ] || fail "vault show on a terminal without --reveal did not exit 2"
screen_has 'standard output is a terminal' || fail "no reason given on the terminal"
screen_has 'whsec_' && fail "the secret reached the terminal without --reveal"
pane_run "'$H' vault show kb/hook/1 --reveal"
[ "$(pane_wait_rc 10)" = 0 ] || fail "vault show --reveal failed"
capture && grep -Fq -- "$SECRET" "$E2E_TXT" || fail "--reveal did not show the secret"
log "a terminal: refused without --reveal, shown with it"
