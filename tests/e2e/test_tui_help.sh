#!/usr/bin/env bash
# test_tui_help.sh BUILD_DIR: the key help (F1) at 80x24 in `hubdesk demo` (issue 12, item 7):
#  1. No description is cut: long ones wrap inside the box (before, the box was 72 columns and
#     cut "entry kind)" and "HubMessage)"), and every row of the box has its right border.
#  2. When it does not fit, Down / PgDn scroll it to the last key (q), the box says there is
#     more, Up goes back to the first key; any other key closes it and the screen is back.
#  3. At 60x16 it still opens, scrolls and closes (no crash, no row past the border).
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh" "${1:-build}"

# Every row between the box's corners ends with its right border in the same column.
box_whole() {
    capture # for the failure message; the check reads the plain text, without attributes
    tmx capture-pane -p -t e2e >"$E2E_TMP/plain.txt" || return 1
    python3 - "$E2E_TMP/plain.txt" <<'PY'
import sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
# Line drawing may come back as the VT100 alternate set (x, j) or as Unicode, by tmux version.
top = next(i for i, r in enumerate(rows) if " Keys " in r)
col = len(rows[top].rstrip()) - 1
bot = next(i for i in range(top + 1, len(rows)) if len(rows[i]) > col and rows[i][col] in "┘j")
bad = [i for i in range(top + 1, bot) if len(rows[i]) <= col or rows[i][col] not in "│x"]
sys.exit(1 if bad or bot - top < 3 else 0)
PY
}

tmux_start 80 24 xterm-256color
demo_open
keys Enter
wait_for_screen 'Channels' 10
keys F1
wait_for_screen ' Keys ' 5
box_whole || fail "a row of the help box is cut: $(cat "$E2E_TXT")"
screen_has 'coexistence, entry kind\)' || fail "the Space row is cut: $(cat "$E2E_TXT")"
log "80x24: the help box is whole; long descriptions wrap"

if screen_has '▼ more'; then
    for _ in 1 2 3 4 5 6 7 8; do keys Down; done
    wait_for_screen 'quit hubdesk' 5
    screen_has '▼ more' && fail "at the last key the box still says there is more"
    screen_has '▲ more' || fail "scrolled, the box does not say there is more above"
    box_whole || fail "scrolled, a row of the help box is cut: $(cat "$E2E_TXT")"
    keys PPage; keys Up; keys Up
    wait_for_screen 'choose / confirm' 5
    log "80x24: Down scrolls to the last key (q), Up back to the first"
else
    screen_has 'quit hubdesk' || fail "the help fits but lacks the q row: $(cat "$E2E_TXT")"
fi
keys x
wait_for_no_screen ' Keys ' 5
screen_has 'Channels' || fail "after closing the help the channel list is not back"
log "any other key closes the help"

resize 60 16
keys F1
wait_for_screen ' Keys ' 5
box_whole || fail "60x16: a row of the help box is cut: $(cat "$E2E_TXT")"
for _ in $(seq 30); do keys Down; done
wait_for_screen 'quit hubdesk' 5
box_whole || fail "60x16 scrolled: a row of the help box is cut: $(cat "$E2E_TXT")"
keys Escape
wait_for_no_screen ' Keys ' 5
log "60x16: the help opens, scrolls to q and closes"
keys C-c
wait_until 5 demo_sb_gone || fail "the demo's sandbox is still running"
log "ok"
