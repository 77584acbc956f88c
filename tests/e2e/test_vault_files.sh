#!/usr/bin/env bash
# test_vault_files.sh BUILD_DIR: what hubdesk says about the files around the vault (issue 15,
# items 12 and 13b), in line mode:
#  - --passphrase-fd on a closed descriptor, a directory or a write-only descriptor, and a
#    HUBDESK_PASSPHRASE_FILE that is a directory, say so (not "the passphrase is empty");
#  - a passphrase file others can read works, with a warning that gives the chmod; a private
#    file or a pipe gets none;
#  - a vault that is a symbolic link is refused as one, with the mv that fixes it, never chmod;
#  - a full disk (a small tmpfs in a private mount namespace, skipped where mounting is not
#    allowed) says "disk full", and the vault is unchanged.
# shellcheck source=tests/e2e/lib.sh disable=SC2016
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME HUBDESK_PASSPHRASE_FILE
mkdir -p "$HOME"
VAULT=$HOME/.local/share/hubdesk/vault
PASS=$E2E_TMP/pass
(umask 077 && printf 'the files around the vault\n' >"$PASS")
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err

# expect CODE COMMAND...: stdin from /dev/null unless redirected; a failure says why in one line.
expect() {
    local want=$1; shift
    "$@" >"$OUT" 2>"$ERR"
    local rc=$?
    [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want; stderr: $(cat "$ERR")"
    [ "$want" = 0 ] || { [ "$(wc -l <"$ERR")" = 1 ] && grep -q '^hubdesk: ' "$ERR"; } ||
        fail "'$*' should say why in one 'hubdesk:' line; stderr: $(cat "$ERR")"
}
err_has() { grep -qF -- "$1" "$ERR" || fail "stderr lacks '$1': $(cat "$ERR")"; }
err_lacks() { grep -qF -- "$1" "$ERR" && fail "stderr has '$1': $(cat "$ERR")"; return 0; }

expect 0 "$H" vault init --passphrase-fd 3 3<"$PASS"
[ -s "$ERR" ] && fail "a private passphrase file got a warning: $(cat "$ERR")"

# ---- --passphrase-fd and HUBDESK_PASSPHRASE_FILE that cannot give a passphrase ---------------
expect 2 "$H" vault list --passphrase-fd 7 </dev/null
err_has "file descriptor 7 is not open"
err_lacks "empty"
expect 2 "$H" vault list --passphrase-fd 3 3<"$E2E_TMP" </dev/null
err_has "file descriptor 3 is a directory"
err_lacks "empty"
expect 2 "$H" vault list --passphrase-fd 3 3>"$E2E_TMP/wo" </dev/null
err_has "file descriptor 3 is open for writing only"
expect 2 env HUBDESK_PASSPHRASE_FILE="$E2E_TMP" "$H" vault list </dev/null
err_has "HUBDESK_PASSPHRASE_FILE names a directory ($E2E_TMP)"
: >"$E2E_TMP/empty"
expect 2 "$H" vault list --passphrase-fd 3 3<"$E2E_TMP/empty" </dev/null
err_has "the passphrase is empty" # really empty: still said so
log "closed, directory and write-only descriptors are said as such"

# ---- a passphrase file others can read: it works, with a warning and the fix -----------------
cp "$PASS" "$E2E_TMP/open"
chmod 644 "$E2E_TMP/open"
want="hubdesk: warning: other users can read the passphrase file $E2E_TMP/open (mode 644); fix it with: chmod 600 $E2E_TMP/open"
expect 0 "$H" vault list --passphrase-fd 3 3<"$E2E_TMP/open" </dev/null
[ "$(cat "$ERR")" = "$want" ] || fail "warning for an fd: $(cat "$ERR")"
expect 0 env HUBDESK_PASSPHRASE_FILE="$E2E_TMP/open" "$H" vault list </dev/null
[ "$(cat "$ERR")" = "$want" ] || fail "warning for HUBDESK_PASSPHRASE_FILE: $(cat "$ERR")"
chmod 640 "$E2E_TMP/open"
expect 0 env HUBDESK_PASSPHRASE_FILE="$E2E_TMP/open" "$H" vault list </dev/null
err_has "(mode 640)"
printf 'the files around the vault\n' | { expect 0 "$H" vault list --passphrase-fd 0; }
[ -s "$ERR" ] && fail "a pipe got a warning: $(cat "$ERR")"
log "a readable passphrase file: a warning with the chmod; private files and pipes: none"

# ---- a symlinked vault: said as such, fixed with mv, never chmod -----------------------------
mv "$VAULT" "$VAULT.real"
ln -s "$VAULT.real" "$VAULT"
expect 1 "$H" vault list --passphrase-fd 3 3<"$PASS" </dev/null
err_has "the vault file is a symbolic link"
err_has "mv $VAULT.real $VAULT"
err_lacks "chmod 600"
rm "$VAULT"
mv "$VAULT.real" "$VAULT"
log "a symlinked vault: refused as a link, with the mv"

# ---- a full disk: "disk full", and the vault as it was ---------------------------------------
# The vault's directory becomes a 64 KiB tmpfs holding a copy of the vault, filled up; the
# mount lives in a private namespace and goes with it.
full_disk() {
    unshare -m --propagation private sh -c '
        dir=$1; shift
        cp -p "$dir/vault" /tmp/.hd-vault-$$ || exit 98
        mount -t tmpfs -o size=64k,mode=0700 tmpfs "$dir" || { rm -f /tmp/.hd-vault-$$; exit 97; }
        cp -p /tmp/.hd-vault-$$ "$dir/vault"; rm -f /tmp/.hd-vault-$$
        : >"$dir/vault.lock"
        head -c 1M /dev/zero >"$dir/filler" 2>/dev/null
        "$@"; rc=$?
        rm -f "$dir/filler"
        HUBDESK_PASSPHRASE_FILE=$PASS "$0" vault list >&2 </dev/null || exit 96
        exit $rc' "$H" "$(dirname "$VAULT")" "$@"
}
if unshare -m --propagation private true 2>/dev/null; then
    printf 'whsec-0123456789\n' | PASS=$PASS full_disk "$H" vault add hook --passphrase-fd 3 \
        3<"$PASS" >"$OUT" 2>"$ERR"
    rc=$?
    if [ $rc = 97 ]; then
        log "SKIP full disk: tmpfs cannot be mounted here"
    else
        [ $rc = 1 ] || fail "vault add on a full disk exited $rc: $(cat "$ERR")"
        head -n 1 "$ERR" | grep -q '^hubdesk: disk full' || fail "not said as disk full: $(cat "$ERR")"
        err_has "$VAULT was not changed"
        grep -q '^hook ' "$ERR" && fail "the entry is in the vault after a full disk"
        log "a full disk: said as such, the vault unchanged"
    fi
else
    log "SKIP full disk: no private mount namespace here"
fi
log "pass"
