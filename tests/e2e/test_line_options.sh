#!/usr/bin/env bash
# test_line_options.sh BUILD_DIR: long options are taken by their full names only, and an
# option's value never appears in an error (issue 15, item 11):
#  - `--passphrase SECRET` (a prefix of --passphrase-fd) and `--passphrase=SECRET` exit 2 with
#    "unknown option '--passphrase'" in the console, connect, a hub command, vault and profile,
#    and SECRET is printed nowhere; `--passphrase-fd SECRET` exits 2 without SECRET either;
#  - every long option of every option table (read from the sources, so a new option is
#    covered the day it is added), shortened by one letter, exits 2 as an unknown option and
#    its value is printed nowhere;
#  - an unknown short option after a value (`--text VALUE -xy`) names only the letter.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME HUBDESK_PASSPHRASE_FILE HUBDESK_TOKEN
mkdir -p "$HOME"
SECRET="e2e-secret-$RANDOM$RANDOM"

# refused WANT_NAME ARGS...: hubdesk ARGS exits 2, its one stderr line says "unknown option
# 'WANT_NAME'", and SECRET is neither on stdout nor on stderr.
refused() {
    local want=$1 rc
    shift
    timeout 20 "$H" "$@" >"$OUT" 2>"$ERR" </dev/null
    rc=$?
    [ "$rc" = 2 ] || fail "'$*' exited $rc, want 2; stderr: $(cat "$ERR")"
    grep -Fq "hubdesk: unknown option '$want'" "$ERR" ||
        fail "'$*': no \"unknown option '$want'\" line; stderr: $(cat "$ERR")"
    no_secret "$*"
}

no_secret() {
    if grep -Fq -- "$SECRET" "$OUT" "$ERR"; then
        fail "'$1' printed its value; stderr: $(cat "$ERR")"
    fi
}

# ---- --passphrase SECRET -------------------------------------------------------------------
for cmd in "" connect channels "vault list" "profile list"; do
    # shellcheck disable=SC2086 # the command's words
    refused --passphrase $cmd --passphrase "$SECRET"
    # shellcheck disable=SC2086
    refused --passphrase $cmd --passphrase="$SECRET"
done
log "--passphrase SECRET: unknown option everywhere, the value never printed"

for args in "connect --passphrase-fd" "channels --passphrase-fd" "vault list --passphrase-fd" \
    "vault passwd --new-passphrase-fd"; do
    # shellcheck disable=SC2086
    timeout 20 "$H" $args "$SECRET" >"$OUT" 2>"$ERR" </dev/null
    rc=$?
    [ "$rc" = 2 ] || fail "'$args SECRET' exited $rc, want 2; stderr: $(cat "$ERR")"
    grep -q 'takes a file descriptor number' "$ERR" || fail "'$args SECRET': $(cat "$ERR")"
    no_secret "$args SECRET"
done
log "--passphrase-fd SECRET: refused without repeating the value"

# ---- every long option of every table, by a prefix --------------------------------------------
# options_of FILE: the long option names of the option tables in FILE.
options_of() {
    grep -oE '\{"[a-z][a-z0-9-]*", *(no|required|optional)_argument' "$1" |
        sed -E 's/^\{"([^"]+)".*/\1/' | sort -u
}

n=0
for spec in "tui/main.c:" "core/cli.c:connect" "core/cli_hub.c:channels" \
    "core/cli_vault.c:vault list" "core/cli_vault.c:profile list"; do
    file=${spec%%:*} cmd=${spec#*:}
    names=$(options_of "$file")
    [ "$(wc -l <<<"$names")" -ge 5 ] || fail "found too few options in $file: $names"
    for name in $names; do
        prefix=${name%?}
        # A prefix that is itself an option of the table is that option, not an abbreviation.
        grep -qx -- "$prefix" <<<"$names" && continue
        # shellcheck disable=SC2086
        refused "--$prefix" $cmd "--$prefix" "$SECRET"
        n=$((n + 1))
    done
done
log "$n abbreviated long options refused, their values never printed"

# ---- an unknown short option after a value -------------------------------------------------
refused -x send-test --text "$SECRET" -xy
refused -x channels --project "$SECRET" -xy
log "an unknown short option after a value names only its letter"
log "pass"
