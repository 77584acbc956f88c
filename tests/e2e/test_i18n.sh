#!/usr/bin/env bash
# test_i18n.sh BUILD_DIR: Spanish and Brazilian Portuguese (issue 13), outside the console:
#  1. Catalogs: es and pt_BR translate every string the sources have today (a fresh xgettext,
#     msgcmp), with no fuzzy entry (msgfmt --statistics), and pass tests/i18n/po_lint.py (which
#     is shown to catch a key bar whose keys were translated); the build compiled them beside
#     the program.
#  2. The language: --lang before or after the command, HUBDESK_LANG, the locale (LANGUAGE, and a
#     locale that is named but not installed), and --lang under LC_ALL=C, where glibc ignores
#     LANGUAGE. A wrong --lang or a --lang without a
#     value exits 2 with one line (an escape in the value is not echoed raw); a wrong
#     HUBDESK_LANG warns and keeps English.
#  3. Line mode against the sandbox: --json output and exit codes are byte-identical in en, es
#     and pt_BR, while the stderr line is translated.
#  4. make install DESTDIR=... installs both catalogs where gettext looks for them.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

H=$HUBDESK_BIN
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=$(cd "$(dirname "$H")" && pwd)
export HOME=$E2E_TMP/home
unset XDG_DATA_HOME XDG_CONFIG_HOME HUBDESK_PASSPHRASE_FILE HUBDESK_TOKEN HUBDESK_LANG LANGUAGE
mkdir -p "$HOME"
OUT=$E2E_TMP/out
ERR=$E2E_TMP/err

# ---- 1. catalogs ---------------------------------------------------------------------------
FRESH=$E2E_TMP/fresh.pot
(cd "$ROOT" && xgettext --language=C --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
    --from-code=UTF-8 -o "$FRESH" core/*.c core/*.h tui/*.c tui/*.h) || fail "xgettext failed"
for l in es pt_BR; do
    po=$ROOT/assets/po/$l.po
    stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1 | grep -E 'translated|fuzzy')
    echo "$stats" | grep -Eq '^[0-9]+ translated messages\.$' ||
        fail "$l.po: $stats (want every message translated, none fuzzy)"
    msgcmp "$po" "$FRESH" >"$OUT" 2>&1 ||
        fail "$l.po lacks strings the sources have (run make pot, then translate): $(head -20 "$OUT")"
    "$PY" "$ROOT/tests/i18n/po_lint.py" "$po" >"$OUT" 2>&1 || fail "$l.po: $(head -30 "$OUT")"
    [ -s "$BUILD_DIR/locale/$l/LC_MESSAGES/hubdesk.mo" ] || fail "the build did not compile $l.po"
done
# The linter is not a rubber stamp: a key bar with a translated key fails it.
sed 's/^msgstr "r reintentar  Esc atrás  ? ayuda  q salir"$/msgstr "r reintentar  Esc atrás  ? ayuda  s salir"/' \
    "$ROOT/assets/po/es.po" >"$E2E_TMP/broken.po"
cmp -s "$ROOT/assets/po/es.po" "$E2E_TMP/broken.po" && fail "the key bar to break is not in es.po"
"$PY" "$ROOT/tests/i18n/po_lint.py" "$E2E_TMP/broken.po" >/dev/null 2>&1 &&
    fail "po_lint accepted a key bar whose q became s"
log "catalogs: es and pt_BR complete, no fuzzy, lint clean; compiled in the build"

# ---- 2. choosing the language ----------------------------------------------------------------
# first_line ENV... -- ARGS...: the first line of hubdesk ARGS's stdout under ENV.
first_line() {
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    env "${envs[@]}" "$H" "$@" 2>"$ERR" </dev/null | head -n 1
}
[ "$(first_line LC_ALL=C.UTF-8 -- --help | cut -c1-6)" = "Usage:" ] || fail "English --help"
[ "$(first_line LC_ALL=C -- --lang es --help | cut -c1-4)" = "Uso:" ] ||
    fail "--lang es under LC_ALL=C: $(first_line LC_ALL=C -- --lang es --help)"
[ "$(first_line LC_ALL=C -- --help --lang=pt_BR | cut -c1-4)" = "Uso:" ] || fail "--lang=pt_BR after"
[ "$(first_line LC_ALL=C.UTF-8 HUBDESK_LANG=es -- profile list)" = "Todavía no hay perfiles. Agrega uno con: hubdesk profile add NAME --provider keebai" ] ||
    fail "HUBDESK_LANG=es: $(first_line LC_ALL=C.UTF-8 HUBDESK_LANG=es -- profile list)"
[ "$(first_line LC_ALL=C.UTF-8 LANGUAGE=pt_BR -- profile list)" = "Ainda não há perfis. Adicione um com: hubdesk profile add NAME --provider keebai" ] ||
    fail "LANGUAGE=pt_BR: $(first_line LC_ALL=C.UTF-8 LANGUAGE=pt_BR -- profile list)"
[ "$(first_line LC_ALL=C.UTF-8 HUBDESK_LANG=es -- --lang en profile list)" = "No profiles yet. Add one with: hubdesk profile add NAME --provider keebai" ] ||
    fail "--lang en over HUBDESK_LANG=es"
# A locale named but not installed (a server without the locales package): its language still.
first_line LC_ALL= LANG=pt_ZZ.UTF-8 -- profile list | grep -q '^Ainda não há perfis' ||
    fail "LANG=pt_ZZ.UTF-8: $(first_line LC_ALL= LANG=pt_ZZ.UTF-8 -- profile list)"
log "--lang (before, after, under LC_ALL=C), HUBDESK_LANG, LANGUAGE and a missing locale choose"
# --help fits an 80-column terminal in every language, as in English (test_line_meta).
for l in es pt_BR; do
    LC_ALL=C.UTF-8 "$H" --lang $l --help >"$OUT" 2>"$ERR" </dev/null || fail "--lang $l --help failed"
    "$PY" -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 80 for l in open(sys.argv[1], encoding="utf-8")))' \
        "$OUT" || fail "--lang $l --help has lines over 80 columns"
done
log "--help fits 80 columns in es and pt_BR"

# refused ARGS...: exit 2, one 'hubdesk:' line on stderr, nothing on stdout, no raw escape.
refused() {
    LC_ALL=C.UTF-8 "$H" "$@" >"$OUT" 2>"$ERR" </dev/null
    local rc=$?
    [ "$rc" = 2 ] || fail "'$*' exited $rc, want 2: $(cat "$ERR")"
    [ "$(wc -l <"$ERR")" = 1 ] && grep -q '^hubdesk: ' "$ERR" || fail "'$*': stderr $(cat "$ERR")"
    [ -s "$OUT" ] && fail "'$*' printed to stdout"
    if grep -q $'\x1b' "$ERR"; then fail "'$*' echoed an escape: $(cat -v "$ERR")"; fi
}
refused --lang fr --help
grep -q "no language 'fr'" "$ERR" || fail "--lang fr: $(cat "$ERR")"
refused --lang $'es\x1b[31m' profile list
refused profile list --lang
grep -q -- "--lang needs a language" "$ERR" || fail "--lang without a value: $(cat "$ERR")"
LC_ALL=C.UTF-8 HUBDESK_LANG=klingon "$H" profile list >"$OUT" 2>"$ERR" </dev/null ||
    fail "a wrong HUBDESK_LANG stopped hubdesk"
grep -q "HUBDESK_LANG is not es, pt_BR or en" "$ERR" || fail "no warning for HUBDESK_LANG=klingon"
grep -q "^No profiles yet" "$OUT" || fail "HUBDESK_LANG=klingon: $(cat "$OUT")"
log "a wrong --lang exits 2 in one line; a wrong HUBDESK_LANG warns"

# ---- 3. --json and exit codes do not change with the language ---------------------------------
sandbox_start
export HUBDESK_TOKEN=hubdesk-sandbox-partner
WH=(--provider whapi --base-url "$SB_URL/whapi/manager" --gate-url "$SB_URL/whapi/gate")
for args in "projects --json" "channels --project hdSandboxMainProject --json" \
    "channels --project nope --json" "status --channel nope --json" "channel frobnicate --json"; do
    ref=
    for l in en es pt_BR; do
        # shellcheck disable=SC2086 # the command's words
        LC_ALL=C.UTF-8 "$H" --lang $l $args "${WH[@]}" >"$OUT" 2>"$ERR" </dev/null
        rc=$?
        got="rc=$rc $(cat "$OUT")"
        [ -n "$ref" ] || { ref=$got; ref_err=$(cat "$ERR"); continue; }
        [ "$got" = "$ref" ] || fail "'$args' in $l: '$got', in en: '$ref'"
        if [ -s "$ERR" ] && [ "$(cat "$ERR")" = "$ref_err" ]; then
            case $args in *"--project nope"*|*status*) ;; *) fail "'$args': stderr not translated in $l: $ref_err";; esac
        fi
    done
done
log "--json output and exit codes are the same in en, es and pt_BR"

# ---- 4. make install ------------------------------------------------------------------------------
san=0
case $BUILD_DIR in */asan) san=1 ;; esac
make -s -C "$ROOT" install BUILD="${BUILD_DIR#"$ROOT"/}" SAN=$san PREFIX=/usr \
    DESTDIR="$E2E_TMP/dest" >"$OUT" 2>&1 || fail "make install: $(tail -20 "$OUT")"
for l in es pt_BR; do
    mo=$E2E_TMP/dest/usr/share/locale/$l/LC_MESSAGES/hubdesk.mo
    [ -f "$mo" ] || fail "make install did not install $mo"
    msgunfmt "$mo" >"$OUT" && grep -q '"No profiles yet. Add one' "$OUT" || fail "$mo is not hubdesk's catalog"
done
log "make install DESTDIR=... installs es and pt_BR under share/locale"
