#!/usr/bin/env bash
# test_tui_screens_lang.sh BUILD_DIR: every screen fits in every language (issue: screens at
# 80x24 in es and pt_BR). Drives `hubdesk --lang LANG demo` in tmux at 80x24 through the
# console's screens, in en, es and pt_BR, and for each screen:
#  1. compares the plain-text capture with tests/golden/LANG/NN-screen.txt (volatile parts
#     normalised: ports, seconds, dates, QR and block-letter rows, ids); a difference prints a
#     diff and fails;
#  2. fails when a row holds "…" (ui_put's visible cut), except the rows listed in ALLOW_CUT
#     (hub values that are long on purpose);
#  3. fails when the key bar (last row) lacks the help key, or on a list (? help) the quit key
#     q; a form's bar needs F1 (q is text there; Ctrl-C quits, said in the help).
# The languages run side by side (each its own tmux servers, demo and sandbox); each walks:
# the hub accounts; Keebai channels, the key help, the pairing modes, the name, the QR, the
# result, the webhook form, the browser-signup form and screen; Whapi projects, channels, modes,
# the pairing-code form (and its refusal), the code screen, the result, the status, the live and
# delete questions, the channel list with a channel; HubMessage channels, name, signup-code form
# (refused, then connected), result, status; HydraCore instances, add-instance, the instance's
# channels, the set-up form, the result; Chatt2.me channels, add form, test message; and, on a
# fresh vault: create, no accounts, the vault list (empty, one secret), add (and its refusal),
# rename, delete question, unlock, wrong passphrase, reset. Not reached: a refused token, a 429
# wait, an expired QR, the Whapi rowdata QR, the webhook answers, the test message's answers.
# Regenerate the goldens after a deliberate change of a screen or of a translation:
#     tests/golden/update.sh [BUILD_DIR]      (or HUBDESK_GOLDEN_UPDATE=1 on this test)
# and review `git diff tests/golden`. WALK_LANGS="es" limits the languages, WALK_SHOW=1
# prints every capture.
# shellcheck source=tests/e2e/lib.sh disable=SC2016
source "$(dirname "$0")/lib.sh" "${1:-build}"

GOLDEN=${WALK_GOLDEN:-$E2E_ROOT/tests/golden}
UPDATE=${HUBDESK_GOLDEN_UPDATE:-0}
LANGS=${WALK_LANGS:-en es pt_BR}
LOCALEDIR=$(dirname "$HUBDESK_BIN")/locale

# tr_ MSGID: the msgid in the current language, from the build's catalogs (hubdesk's own);
# tr_load LANG reads the titles the walk waits for once per language.
declare -A TR
tr_load() {
    local line
    TR=()
    while IFS= read -r -d '' line; do
        TR[${line%%$'\t'*}]=${line#*$'\t'}
    done < <("$PY" - "$LOCALEDIR" "$1" "${TITLES[@]}" <<'PY'
import gettext, sys
d, lang = sys.argv[1:3]
t = gettext.translation("hubdesk", d, [lang], fallback=True)
for m in sys.argv[3:]:
    sys.stdout.write("%s\t%s\0" % (m, t.gettext(m)))
PY
    )
}
tr_() { printf '%s' "${TR[$1]:-$1}"; }
TITLES=('Hub account' Project Channels 'How to link' 'Channel name' 'Pair the phone' Result
    Webhook 'Embedded signup' 'Pairing code' 'Connect with the signup code' 'Add an instance'
    'Set up WhatsApp' 'Add a channel' 'Test message' 'Create the vault' 'Unlock the vault'
    'Reset the vault' Vault 'Vault: add a secret' 'Vault: rename' 'Vault: change a secret'
    'Name:' 'WABA id:')

# check_shots: each screen of this language (raw captures in $W/raw, listed in $W/shots with
# "NAME NO_BAR") normalised (what changes from run to run replaced), compared with its golden
# (or written, when updating), checked for cuts ("…") and for its key bar. One python for all
# the screens: a busy machine starts few processes. Prints the failures; status 1 if any.
check_shots() {
    "$PY" - "$W" "$GOLDEN/$WALK_LANG" "$UPDATE" "$E2E_TMP" "${ALLOW_CUT:-}" "$WALK_LANG" <<'PY'
import difflib, os, re, sys
work, golden, update, tmp, allow_cut, lang = sys.argv[1:7]
QR = "\u2580-\u259f\U0001fb00-\U0001fb3b#"
run = re.compile("[%s][%s ]*[%s]" % (QR, QR, QR))
same = lambda m: "X" * len(m.group())  # the same width: columns stay where they were

def normalise(text):
    out = []
    for line in text.split("\n"):
        line = run.sub(lambda m: "Q" * len(m.group()) if len(m.group()) >= 6 else m.group(), line)
        if re.fullmatch(r" *Q[Q ]*", line):
            line = " [QR or block letters]"  # their width follows the data
        line = line.replace(tmp, "TMP")
        line = re.sub(r"127\.0\.0\.1:[0-9]+", "127.0.0.1:PORT", line)
        line = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", line)
        line = re.sub(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?", "DATE", line)
        line = re.sub(r"\b[0-9]+:[0-5][0-9]\b", "M:SS", line)
        line = re.sub(r"\b[0-9]+ ?(s|seg|segundos|seconds|min)\b", r"N \1", line)
        # ids the sandbox draws at random: Keebai channels and sessions (also a session id
        # wrapped onto the next row), Whapi channels, pairing codes, Keebai phone numbers
        line = re.sub(r"\b(ch|cs)_[0-9A-Z]+|\bSHAZAM-[0-9A-Z]+|\+55[0-9]{11}\b", same, line)
        line = re.sub(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b", same, line)
        line = re.sub(r"(?<=\u2022{4})[0-9A-Za-z_-]{4}", same, line)  # a masked secret's end
        line = re.sub(r"(?<=  )[0-9A-Z]{16,}(?= *$)", same, line)
        out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"

# A list's bar says "? help  q quit"; a form's, where q is text, "F1 help" (Ctrl-C quits).
bar_ok = re.compile(r"(^| )(\? .*(^| )q|F1) ")
fails = 0
def bad(name, what):
    global fails
    fails += 1
    print("FAIL %s %s: %s" % (lang, name, what), file=sys.stderr)

for entry in open(os.path.join(work, "shots"), encoding="utf-8").read().split("\n"):
    if not entry:
        continue
    name, no_bar = entry.split()
    raw = open(os.path.join(work, "raw", name + ".txt"), encoding="utf-8").read()
    got, path = normalise(raw), os.path.join(golden, name + ".txt")
    if update == "1":
        os.makedirs(golden, exist_ok=True)
        open(path, "w", encoding="utf-8").write(got)
    elif not os.path.exists(path):
        bad(name, "no golden %s (tests/golden/update.sh makes it)" % path)
    else:
        want = open(path, encoding="utf-8").read()
        if want != got:
            diff = difflib.unified_diff(want.splitlines(True), got.splitlines(True), path, "screen")
            bad(name, "the screen differs from its golden:\n" + "".join(diff))
    cuts = [l for l in got.split("\n") if "\u2026" in l and not (allow_cut and re.search(allow_cut, l))]
    if cuts:
        bad(name, "text cut at 80 columns:\n" + "\n".join(cuts))
    lines = [l for l in raw.split("\n")]
    bar = lines[-1] if lines and lines[-1].strip() else (lines[-2] if len(lines) > 1 else "")
    if no_bar != "1" and not bar_ok.search(bar + " "):
        bad(name, "the key bar lacks help (or quit on a list): '%s'" % bar.rstrip())
sys.exit(1 if fails else 0)
PY
}

# settle: until the pane holds still for a moment (two equal captures 0.25 s apart; a
# countdown that ticks meanwhile only delays it by a second).
settle() {
    local i
    capture
    for ((i = 0; i < 40 * E2E_SCALE; i++)); do
        cp "$E2E_TXT" "$W/settle.txt"
        sleep 0.25
        capture
        cmp -s "$E2E_TXT" "$W/settle.txt" && return 0
    done
}

# shot NAME: keeps the current screen, once still, for check_shots (NO_BAR=1: a y/N question
# replaces the key bar).
shot() {
    [ "${WALK_TIME:-0}" = 1 ] && log "shot $1: screen reached"
    settle
    mkdir -p "$W/raw"
    cp "$E2E_TXT" "$W/raw/$1.txt"
    cp "$E2E_TXT" "$W/shot.raw"
    echo "$1 ${NO_BAR:-0}" >>"$W/shots"
    if [ "${WALK_SHOW:-0}" = 1 ]; then echo "=== $WALK_LANG $1"; cat "$E2E_TXT"; fi
}

# title STEP_MSGID [TIMEOUT]: waits for the title bar of that step, in the current language.
title() {
    local want
    want=$(tr_ "$1")
    wait_until "${2:-10}" eval 'capture && [ "$(head -n 1 "$E2E_TXT" | sed "s/  .*//; s/ *$//")" = " hubdesk › $want" ]' ||
        fail "$WALK_LANG: timed out waiting for the title '$want'"
}

# walk_open LANG: `hubdesk --lang LANG demo` in a fresh 80x24 pane, at its hub account list.
walk_open() {
    WALK_LANG=$1
    tr_load "$1"
    tmux_start 80 24 xterm-256color
    pane_run "'$HUBDESK_BIN' --lang $WALK_LANG demo"
    title 'Hub account'
    wait_for_screen 'http://127\.0\.0\.1:[0-9]+/' 5
    local p url
    DEMO_PID=$(pane_hubdesk_pid) || fail "demo: no hubdesk process in the pane"
    for p in $(children_of "$DEMO_PID"); do
        [ "$(comm_of "$p")" = hubdesk-sandbox ] && SB_PID=$p
    done
    E2E_SB_PIDS+=("$SB_PID")
    url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/' "$E2E_TXT" | head -n 1)
    SB_URL=${url%/}
}

# account N: from the hub account list, the Nth account (0: Keebai ... in the demo's order).
account() {
    local i
    for ((i = 0; i < 6; i++)); do keys Up; done
    for ((i = 0; i < $1; i++)); do keys Down; done
    keys Enter
}

walk_demo() {
    walk_open "$1"
    shot 01-accounts
    walk_keebai
    walk_whapi
    walk_hubmessage
    walk_hydracore
    walk_chatt2me
}

# Keebai: channels, help, the modes, the name, the QR, the result, the webhook, the browser
# signup.
walk_keebai() {
    account 0
    title Channels
    wait_for_screen 'ch_|wa_|[0-9]{6}' 10
    shot 02-keebai-channels
    keys '?'
    wait_for_screen 'qqqqqqqq|────' 5
    NO_BAR=1 shot 03-help
    keys x
    keys n
    title 'How to link'
    shot 04-keebai-modes
    keys Enter
    title 'Channel name'
    shot 05-keebai-name
    keys Enter
    title 'Pair the phone'
    wait_for_screen 'QQQ|▀|█' 10
    shot 06-keebai-qr
    sb_req POST /_sandbox/sessions/latest/scan >/dev/null
    title Result 15
    shot 07-keebai-result
    keys w
    title Webhook
    shot 08-keebai-webhook
    keys Escape
    title Result
    keys Enter
    title Channels
    keys n
    title 'How to link'
    keys Down Enter
    title 'Embedded signup'
    shot 09-keebai-signup-form
    keys Enter
    title 'Pair the phone'
    shot 10-keebai-signup
    keys Escape
    to_accounts
}

# to_accounts: Esc until the hub account list.
to_accounts() {
    local i want
    want=$(tr_ 'Hub account')
    for ((i = 0; i < 8; i++)); do
        capture
        [ "$(head -n 1 "$E2E_TXT" | sed "s/  .*//; s/ *$//")" = " hubdesk › $want" ] && return 0
        keys Escape
        sleep 0.2
    done
    fail "$WALK_LANG: Esc does not lead back to the hub account list"
}

# Whapi.Cloud: projects, channels, the pairing-code form and screen, the result, the status,
# the live and delete questions.
walk_whapi() {
    account 1
    title Project
    wait_for_screen 'Sandbox|proj|[0-9a-f]{6}' 10
    shot 11-whapi-projects
    keys Enter
    title Channels
    shot 12-whapi-channels
    keys n
    title 'How to link'
    shot 13-whapi-modes
    keys Down Down Enter
    title 'Pairing code'
    shot 14-whapi-code-form
    keys_lit '+5511'
    keys Enter
    wait_until 5 eval 'capture && ! cmp -s "$E2E_TXT" "$W/shot.raw"'
    shot 15-whapi-code-form-error
    keys C-u
    keys_lit '5511987654321'
    keys Enter
    title 'Pair the phone'
    wait_for_screen '[0-9A-Z]{4}-[0-9A-Z]{4}' 20
    shot 16-whapi-code
    sb_req POST /_sandbox/whapi/channels/latest/scan >/dev/null
    title Result 20
    shot 17-whapi-result
    keys h
    wait_for_screen 'AUTH' 10
    shot 18-whapi-status
    keys l
    wait_until 5 eval 'capture && ! cmp -s "$E2E_TXT" "$W/shot.raw"'
    NO_BAR=1 shot 19-whapi-live-question
    keys n
    keys Enter
    title Channels
    wait_for_screen 'WhatsApp' 10
    shot 20-whapi-channels-one
    keys d
    wait_until 5 eval 'capture && ! cmp -s "$E2E_TXT" "$W/shot.raw"'
    NO_BAR=1 shot 21-whapi-delete-question
    keys n
    to_accounts
}

# HubMessage: the empty channel list, the name form, the signup-code form, its refusal.
walk_hubmessage() {
    account 2
    title Channels
    shot 22-hubmessage-channels
    keys n
    title 'Channel name'
    shot 23-hubmessage-name
    keys Enter
    title 'Connect with the signup code' 10
    shot 24-hubmessage-connect
    keys_lit '12a'
    keys Enter
    wait_until 5 eval 'capture && ! cmp -s "$E2E_TXT" "$W/shot.raw"'
    shot 25-hubmessage-connect-refused
    form_focus "$(tr_ 'WABA id:')"
    keys C-u
    keys_lit '104857600123456'
    keys Tab
    keys_lit '109876543210987'
    keys Tab
    keys_lit 'AQBwalkCode-0123456789-zQ7'
    keys Enter
    title Result 10
    shot 33-hubmessage-result
    keys h
    wait_until 10 eval 'capture && grep -q CONNECTED "$E2E_TXT"'
    shot 34-hubmessage-status
    to_accounts
}

# HydraCore: the instance list, the add-instance form, the set-up form.
walk_hydracore() {
    account 3
    title Project
    shot 26-hydracore-instances
    keys n
    title 'Add an instance'
    shot 27-hydracore-add
    keys_lit '3f2b8c1e-9d4a-4b7e-8f00-1c2d3e4f5a6b'
    keys Tab
    keys_lit 'Loja Centro'
    keys Enter
    title Channels 10
    shot 28-hydracore-instance
    keys n
    title 'Set up WhatsApp'
    shot 29-hydracore-setup
    keys_lit 'EAAGwalk0123456789AccessTokenZZ9x'
    keys Tab
    keys_lit '0123456789abcdef0123456789abcdef'
    keys Tab
    keys_lit '109876543210'
    keys Enter
    title Result 10
    shot 35-hydracore-result
    to_accounts
}

# Chatt2.me: the remembered channels, the add form, a test message.
walk_chatt2me() {
    account 4
    title Channels
    shot 30-chatt2me-channels
    keys n
    title 'Add a channel'
    shot 31-chatt2me-add
    keys Escape
    title Channels
    keys m
    title 'Test message'
    shot 32-chatt2me-test
    to_accounts
}

# The vault: create, the empty account list, the vault list, its add form with a refusal, a
# secret in the list, lock, the unlock screen, a wrong passphrase, the reset question.
walk_vault() {
    local h=$E2E_TMP/home-$1 pass='correct horse battery staple'
    WALK_LANG=$1
    tr_load "$1"
    mkdir -p "$h"
    tmux_start 80 24 xterm-256color "HOME=$h" "XDG_DATA_HOME=$h/data" "XDG_CONFIG_HOME=$h/config"
    pane_run "'$HUBDESK_BIN' --lang $1"
    title 'Create the vault'
    NO_BAR=0 shot 40-vault-create
    keys_lit "$pass"
    keys Tab
    keys_lit "$pass"
    keys Enter
    title 'Hub account' 20
    shot 41-accounts-none
    keys v
    title Vault
    shot 42-vault-empty
    keys a
    title 'Vault: add a secret'
    shot 43-vault-add
    keys_lit 'bad name'
    keys Tab Tab Tab
    keys_lit 'sk_live_0123456789abcdef'
    keys Enter
    wait_until 5 eval 'capture && ! cmp -s "$E2E_TXT" "$W/shot.raw"'
    shot 44-vault-add-refused
    form_focus "$(tr_ 'Name:')"
    keys C-u
    keys_lit 'acme-hook'
    for _ in 1 2 3 4; do keys Enter; sleep 0.2; done # Enter: next field, save on the last
    title Vault
    wait_for_screen 'acme-hook' 10
    shot 45-vault-one
    keys n
    title 'Vault: rename'
    shot 46-vault-rename
    keys Escape
    title Vault
    keys d
    wait_until 5 eval 'capture && ! cmp -s "$E2E_TXT" "$W/shot.raw"'
    NO_BAR=1 shot 47-vault-delete-question
    keys n
    keys C-x
    title 'Unlock the vault'
    shot 48-unlock
    keys_lit 'not the passphrase'
    keys Enter
    # refused (Argon2 takes its time) and the delay over: "1 wrong attempt(s)" in each language
    wait_until 20 eval 'capture && grep -q "(s)" "$E2E_TXT" && ! grep -Eq "[0-9] s\b" "$E2E_TXT"' ||
        fail "$WALK_LANG: the wrong passphrase is not refused"
    shot 49-unlock-wrong
    keys C-r
    title 'Reset the vault'
    shot 50-reset
    keys Escape
    title 'Unlock the vault'
    keys C-c
}

# walk_lang LANG (in a subshell, languages run side by side): its own tmux servers and files.
walk_lang() {
    W=$E2E_TMP/$1
    mkdir -p "$W"
    E2E_CAP=$W/last.cap E2E_TXT=$W/last.txt E2E_NAME="test_tui_screens_lang $1"
    E2E_SOCK=hd-e2e-$$-$1
    walk_demo "$1"
    keys C-c
    E2E_SOCK=hd-e2e-$$-$1-vault # a fresh server, not one whose demo is still ending
    walk_vault "$1"
    keys C-c
    check_shots || fail "screens of $1 differ or do not fit (see above)"
    log "ok: $(wc -l <"$W/shots") screens"
}

# The languages' tmux servers (their panes' hubdesk and its sandbox end with them).
walk_kill() {
    local lang sock
    [ "$BASHPID" = "$$" ] || return 0
    for lang in $LANGS; do
        for sock in "hd-e2e-$$-$lang" "hd-e2e-$$-$lang-vault"; do
            tmux -L "$sock" -f /dev/null kill-server >/dev/null 2>&1
            rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
        done
    done
}
trap 'rc=$?; walk_kill; (exit $rc); e2e_cleanup' EXIT

pids=() rc=0
for lang in $LANGS; do
    (walk_lang "$lang") >"$E2E_TMP/$lang.log" 2>&1 &
    pids+=($!)
done
i=0
for lang in $LANGS; do
    wait "${pids[$i]}" || rc=1
    cat "$E2E_TMP/$lang.log" >&2
    i=$((i + 1))
done
walk_kill
[ "$rc" = 0 ] || fail "screens differ or do not fit (see above)"
log "ok: $LANGS"
