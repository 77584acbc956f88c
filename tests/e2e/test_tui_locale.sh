#!/usr/bin/env bash
# test_tui_locale.sh BUILD_DIR: text survives the locale of a bare server (issue 13):
#  1. LANG=C LC_ALL=C (a server with no locale set): the agent types "Loja São Paulo" as a
#     Whapi channel name; the hub gets "Loja São Paulo" (it used to get "Loja S") and the
#     channel list shows it back. The ASCII QR does not fit 80x24: the screen says the locale is
#     why (with the size LANG=C.UTF-8 needs), the zoom-out key, and the pairing code instead.
#  2. The same in the console's language chosen with --lang es under LC_ALL=C, where glibc
#     ignores LANGUAGE: the screens are in Spanish.
#  3. A legacy locale (es_ES.ISO-8859-1, built with localedef into a private LOCPATH): a letter
#     beyond ASCII is refused with a line naming the locale and LANG=C.UTF-8, never cut
#     silently; the hub gets what was accepted. (tmux is a UTF-8 terminal, so the screen's
#     Latin-1 letters do not show there: only ASCII is matched.)
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

PARTNER=hubdesk-sandbox-partner
sandbox_start --whapi-launch-ms 300 --qr-first-ms 800 --qr-next-ms 2500 --qr-attempts 20
MANAGER=$SB_URL/whapi/manager
GATE=$SB_URL/whapi/gate
wfield() { json_get "$(sb_req GET /_sandbox/whapi/channels/latest)" "$1"; }

# new_channel NAME NAME_LABEL MODES_TEXT: n on the channel list, QR mode, NAME typed, created; waits for the hub.
new_channel() {
    keys n
    wait_for_screen "$3" 5 # the pairing modes
    keys Enter
    wait_for_screen "$2" 5
    keys C-u
    keys_lit "$1"
    keys Enter
    WANT_NAME=$1
    wait_until 20 eval '[ "$(wfield name)" = "$WANT_NAME" ]' ||
        fail "the hub got the name '$(wfield name)', want '$1'"
}

# quit_console: q, and y to the question about the channel token kept in memory (no vault).
quit_console() {
    keys q
    wait_for_screen 'Quit\?|Salir\?' 5
    keys y
    [ "$(pane_wait_rc 10)" = 0 ] || fail "hubdesk did not quit with 0"
}

tmux_start 80 24 xterm-256color "HUBDESK_TOKEN=$PARTNER" LANG=C LC_ALL=C
pane_run "'$HUBDESK_BIN' --provider whapi --base-url '$MANAGER' --gate-url '$GATE'"
wait_for_screen 'Sandbox' 10
keys Enter
wait_for_screen 'Channels' 10
new_channel 'Loja São Paulo' 'Name:' 'Pairing code'
log "LANG=C: the hub got 'Loja São Paulo'"
# No QR that scans fits 80x24 in ASCII: the screen says why (the locale) and what to do.
wait_for_screen 'The locale \(C\) is not UTF-8' 10
capture
for want in 'LANG=C.UTF-8: the QR then needs [0-9]+x[0-9]+' 'Ctrl\+minus' 'choose Pairing code'; do
    grep -Eq "$want" "$E2E_TXT" || { cat "$E2E_TXT" >&2; fail "the too-small screen lacks /$want/"; }
done
log "LANG=C at 80x24: the too-small screen names the locale, the zoom key and the pairing code"
keys Escape
wait_for_screen 'Loja São Paulo' 10
log "LANG=C: the channel list shows 'Loja São Paulo'"
quit_console

pane_run "'$HUBDESK_BIN' --lang es --provider whapi --base-url '$MANAGER' --gate-url '$GATE'"
wait_for_screen 'Proyecto' 10
keys Enter
wait_for_screen 'Canales' 10
new_channel 'Peña Álvarez' 'Nombre:' 'Código de vinculación'
log "--lang es under LC_ALL=C: Spanish screens, and 'Peña Álvarez' reached the hub"
quit_console

# ---- 3. a legacy (ISO-8859-1) locale ---------------------------------------------------------
localedef -i es_ES -f ISO-8859-1 "$E2E_TMP/loc/es_ES.ISO-8859-1" >/dev/null 2>&1 ||
    { mkdir -p "$E2E_TMP/loc" && localedef -i es_ES -f ISO-8859-1 "$E2E_TMP/loc/es_ES.ISO-8859-1"; } ||
    fail "localedef could not build es_ES.ISO-8859-1 (make deps installs the locales package)"
pane_run "LOCPATH='$E2E_TMP/loc' LC_ALL=es_ES.ISO-8859-1 '$HUBDESK_BIN' --provider whapi --base-url '$MANAGER' --gate-url '$GATE'"
wait_for_screen 'Proyecto' 10
keys Enter
wait_for_screen 'Canales' 10
keys n
wait_for_screen 'digo de vinculaci' 5 # tmux is UTF-8: its Latin-1 letters are dropped
keys Enter
wait_for_screen 'Nombre:' 5
keys C-u
keys_lit 'Loja S'
keys_lit 'ã'
wait_for_screen 'es_ES.ISO-8859-1' 5
screen_has 'LANG=C.UTF-8' || fail "the refusal does not say the fix"
keys_lit 'o Paulo'
wait_for_no_screen 'es_ES.ISO-8859-1' 5
keys Enter
WANT_NAME='Loja So Paulo'
wait_until 20 eval '[ "$(wfield name)" = "$WANT_NAME" ]' ||
    fail "the hub got '$(wfield name)' under ISO-8859-1"
log "ISO-8859-1: a non-ASCII letter refused with the locale and the fix; Spanish screens"
quit_console
