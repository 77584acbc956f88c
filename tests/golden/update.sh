#!/usr/bin/env bash
# update.sh [BUILD_DIR]: regenerates the golden screen dumps of test_tui_screens_lang.sh (every
# screen at 80x24 in en, es, pt_BR) after a deliberate change of a screen or a translation.
# Review the result with `git diff tests/golden` before committing it.
root=$(cd "$(dirname "$0")/../.." && pwd)
HUBDESK_GOLDEN_UPDATE=1 exec bash "$root/tests/e2e/test_tui_screens_lang.sh" "${1:-build}"
