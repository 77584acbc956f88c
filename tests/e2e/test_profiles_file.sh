#!/usr/bin/env bash
# test_profiles_file.sh BUILD_DIR: profiles.json on a shared machine (issue 15, items 4, 5, 13c):
#  - 8 `profile add` at once keep 8 profiles and 8 tokens, none orphaned in the vault; 8
#    `channel add` at once (remembered channels) keep 8 channels;
#  - a profiles.json (or its directory) another user can write is refused, read or write, with
#    the exact chmod or chown that fixes it, and the file is left as it was;
#  - a profiles.json write that fails (a full disk: a small tmpfs in a private mount namespace)
#    leaves no vault entry behind, and says "disk full"; skipped where mounting is not allowed.
# shellcheck source=tests/e2e/lib.sh disable=SC2016
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME
mkdir -p "$HOME"
PASS=$E2E_TMP/pass
(umask 077 && printf 'a shared machine passphrase\n' >"$PASS")
export HUBDESK_PASSPHRASE_FILE=$PASS
CONF=$HOME/.config/hubdesk/profiles.json
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err
URL=http://127.0.0.1:9/

# expect CODE COMMAND...: stdin from $IN (default /dev/null); a failure says why in one line.
expect() {
    local want=$1; shift
    "$@" >"$OUT" 2>"$ERR" <"${IN:-/dev/null}"
    local rc=$?
    [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want; stderr: $(cat "$ERR")"
    [ "$want" = 0 ] || { [ "$(wc -l <"$ERR")" = 1 ] && grep -q '^hubdesk: ' "$ERR"; } ||
        fail "'$*' should say why in one 'hubdesk:' line; stderr: $(cat "$ERR")"
}
err_has() { grep -qF -- "$1" "$ERR" || fail "stderr lacks '$1': $(cat "$ERR")"; }

# Profile names in profiles.json, and vault entry names, one per line, sorted.
profile_names() { "$H" profile list --json </dev/null | "$PY" -c \
    'import json,sys; print("\n".join(sorted(json.loads(l)["name"] for l in sys.stdin)))'; }
vault_names() { "$H" vault list --json </dev/null | "$PY" -c \
    'import json,sys; print("\n".join(sorted(json.loads(l)["name"] for l in sys.stdin)))'; }

expect 0 "$H" vault init

# ---- 8 writers at once lose nothing ------------------------------------------------------
N=8
pids=()
for i in $(seq 1 $N); do
    printf 'tok-%s-0123456789abcdef\n' "$i" >"$E2E_TMP/tok$i"
    "$H" profile add "p$i" --provider keebai --base-url "$URL" <"$E2E_TMP/tok$i" \
        >"$E2E_TMP/add$i.out" 2>"$E2E_TMP/add$i.err" &
    pids+=($!)
done
for i in $(seq 1 $N); do
    wait "${pids[$((i - 1))]}" || fail "profile add p$i failed: $(cat "$E2E_TMP/add$i.err")"
done
want=$(for i in $(seq 1 $N); do echo "p$i"; done | sort)
[ "$(profile_names)" = "$want" ] || fail "profiles kept: $(profile_names | tr '\n' ' ')"
[ "$(vault_names)" = "$(for i in $(seq 1 $N); do echo "p$i-token"; done | sort)" ] ||
    fail "vault entries (orphans?): $(vault_names | tr '\n' ' ')"
log "$N concurrent profile add: $N profiles, $N tokens, no orphan"

# The same for remembered channels (Chatt2.me), which live in profiles.json too.
IN=$E2E_TMP/tok1 expect 0 "$H" profile add c2 --provider chatt2me --base-url "$URL"
pids=()
for i in $(seq 1 $N); do
    "$H" channel add --profile c2 --channel "6cbd6789-1d2b-47e0-9391-5eb91d28390$i" --kind sms \
        </dev/null >/dev/null 2>"$E2E_TMP/ch$i.err" &
    pids+=($!)
done
for i in $(seq 1 $N); do
    wait "${pids[$((i - 1))]}" || fail "channel add $i failed: $(cat "$E2E_TMP/ch$i.err")"
done
kept=$("$H" profile list --json </dev/null | "$PY" -c 'import json,sys
print(sum(len(j["remembered"]["channels"]) for j in map(json.loads, sys.stdin) if j["name"] == "c2"))')
[ "$kept" = $N ] || fail "$N concurrent channel add kept $kept channels"
log "$N concurrent channel add: $N remembered"

# ---- a file or directory others can write is refused, with the fix ----------------------------
cp "$CONF" "$E2E_TMP/conf.good"
chmod 666 "$CONF"
expect 1 "$H" profile list
err_has "Fix it with: chmod 600 $CONF"
err_has "decides where your hub tokens are sent"
expect 1 "$H" profile rename p1 renamed
IN=$E2E_TMP/tok1 expect 1 "$H" profile add p9 --provider keebai --base-url "$URL"
expect 1 "$H" connect --profile p1 --qr
cmp -s "$CONF" "$E2E_TMP/conf.good" || fail "a profiles.json others can write was changed"
[ "$(vault_names | grep -c .)" = $((N + 1)) ] || fail "a refused add touched the vault"
chmod 620 "$CONF"
expect 1 "$H" profile list
chmod 644 "$CONF" # readable by others is fine: no secret in it
expect 0 "$H" profile list
chmod 600 "$CONF"
chmod 777 "$(dirname "$CONF")"
expect 1 "$H" profile list
err_has "Fix it with: chmod 700 $(dirname "$CONF")"
chmod 700 "$(dirname "$CONF")"
if chown 4242 "$CONF" 2>/dev/null; then # as root: a user's file must not steer root's tokens
    expect 1 "$H" profile list
    err_has "owner uid 4242"
    err_has "Fix it with: chown $(id -un) $CONF"
    chown "$(id -u)" "$CONF"
    log "another user's profiles.json: refused with the chown"
fi
expect 0 "$H" profile list
log "profiles.json or its directory open to writers: refused with the fix, left as it was"

# ---- a failed profiles write leaves no token behind ---------------------------------------
# A full disk under the config directory only (tmpfs in a private mount namespace, gone with
# it): the vault write succeeds, the profiles write fails, the token must go again.
full_disk_add() {
    unshare -m --propagation private sh -c '
        conf=$1; shift
        mount -t tmpfs -o size=64k,mode=0700 tmpfs "$conf" || exit 97
        cp "$0" "$conf/profiles.json" && chmod 600 "$conf/profiles.json" || exit 98
        : >"$conf/profiles.json.lock"
        head -c 1M /dev/zero >"$conf/filler" 2>/dev/null
        "$@"' "$E2E_TMP/conf.good" "$(dirname "$CONF")" "$@"
}
if unshare -m --propagation private true 2>/dev/null; then
    full_disk_add "$H" profile add full --provider keebai --base-url "$URL" <"$E2E_TMP/tok1" \
        >"$OUT" 2>"$ERR"
    rc=$?
    if [ $rc = 97 ]; then
        log "SKIP full disk: tmpfs cannot be mounted here"
    else
        [ $rc = 1 ] || fail "profile add on a full disk exited $rc: $(cat "$ERR")"
        err_has "disk full"
        vault_names | grep -qx 'full-token' &&
            fail "the token of a profile that was never written stayed in the vault"
        cmp -s "$CONF" "$E2E_TMP/conf.good" || fail "profiles.json changed"
        log "profiles write failed (disk full): its vault entry was removed"
    fi
else
    log "SKIP full disk: no private mount namespace here"
fi
log "pass"
