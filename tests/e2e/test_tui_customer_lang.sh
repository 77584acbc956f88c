#!/usr/bin/env bash
# test_tui_customer_lang.sh BUILD_DIR: the customer reads their own language (issue 13):
#  1. profile add --customer-lang pt_BR (and its refusals: a language hubdesk does not have,
#     exit 2), shown by profile list --json; edit --customer-lang "" goes back to the agent's.
#  2. The console in Spanish (--lang es) on a Keebai QR pairing: the screen speaks Spanish to
#     the agent while the phone steps are in Portuguese (Configurações > Aparelhos conectados >
#     Conectar um aparelho) and say so ("Idioma del cliente: Português (Brasil)"); L switches
#     them to English and then to Spanish.
#  3. A second customer on another profile (no customer language) gets the agent's language:
#     the first customer's L choice does not carry over.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

PASS='correct horse battery staple'
TOKEN=hubdesk-sandbox-token
H=$E2E_TMP/home
mkdir -m 700 "$H"
export HOME=$H XDG_DATA_HOME=$H/data XDG_CONFIG_HOME=$H/config
printf '%s\n' "$PASS" >"$E2E_TMP/pass"
chmod 600 "$E2E_TMP/pass"
hd() { HUBDESK_PASSPHRASE_FILE=$E2E_TMP/pass "$HUBDESK_BIN" "$@"; }
OUT=$E2E_TMP/out

sandbox_start --qr-first-ms 60000
hd vault init >"$OUT" 2>&1 || fail "vault init: $(cat "$OUT")"
printf '%s\n' "$TOKEN" | hd profile add br --provider keebai --base-url "$SB_BASE" \
    --customer-lang fr >"$OUT" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q -- "--customer-lang takes es, pt_BR or en" "$OUT" ||
    fail "--customer-lang fr: exit $rc, $(cat "$OUT")"
printf '%s\n' "$TOKEN" | hd profile add br --provider keebai --base-url "$SB_BASE" \
    --customer-lang pt-BR >"$OUT" 2>&1 || fail "profile add br: $(cat "$OUT")"
printf '%s\n' "$TOKEN" | hd profile add mx --provider keebai --base-url "$SB_BASE" \
    --customer-lang es >"$OUT" 2>&1 || fail "profile add mx: $(cat "$OUT")"
hd profile edit mx --customer-lang "" >"$OUT" 2>&1 || fail "profile edit mx: $(cat "$OUT")"
hd profile list --json >"$OUT" 2>&1 || fail "profile list: $(cat "$OUT")"
"$PY" -c '
import json, sys
got = {j["name"]: j["customer_lang"] for j in map(json.loads, open(sys.argv[1]))}
assert got == {"br": "pt_BR", "mx": ""}, got
' "$OUT" || fail "profile list --json: $(cat "$OUT")"
log "profile add --customer-lang pt-BR kept as pt_BR; fr refused; edit \"\" clears it"

tmux_start 120 40 xterm-256color "HOME=$H" "XDG_DATA_HOME=$XDG_DATA_HOME" \
    "XDG_CONFIG_HOME=$XDG_CONFIG_HOME"
pane_run "'$HUBDESK_BIN' --lang es"
wait_for_screen 'Desbloquea|bóveda' 10
keys_lit "$PASS"
keys Enter
wait_for_screen ' br +Keebai' 15
keys Enter
wait_for_screen 'Canales' 10
keys n
wait_for_screen 'Código QR' 5
keys Enter
wait_for_screen 'Nombre:' 5
keys Enter
wait_for_screen 'Configurações > Aparelhos conectados' 15
screen_has 'Idioma del cliente: Português \(Brasil\)' || fail "the language line is missing"
screen_has 'Escanea' || fail "the agent's words are not Spanish"
log "agent in Spanish, phone steps in Portuguese"
keys L
wait_for_screen 'Settings > Linked devices' 5
screen_has 'Idioma del cliente: English' || fail "L did not say English"
keys L
wait_for_screen 'Ajustes > Dispositivos vinculados' 5
log "L: English, then Spanish"
keys L
wait_for_screen 'Aparelhos conectados' 5

# ---- 3. the next customer, on the other account: the agent's language -------------------------
for screen in 'Nombre:' 'Código QR' 'Canales' ' mx +Keebai'; do
    keys Escape
    wait_for_screen "$screen" 10
done
keys Down Enter
wait_for_screen 'Canales' 10
keys n
wait_for_screen 'Código QR' 5
keys Enter
wait_for_screen 'Nombre:' 5
keys Enter
wait_for_screen 'Ajustes > Dispositivos vinculados' 15
screen_has 'Idioma del cliente: Español' || fail "the second customer is not in the agent's language"
log "the next customer (no customer language on the profile) gets the agent's: Spanish"
keys q
