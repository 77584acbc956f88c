#!/usr/bin/env bash
# Runs every test against one build directory: unit and integration (cmocka), then end to end.
# Usage: tests/run.sh BUILD_DIR   (make test / make check call this)
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export HUBDESK_SANDBOX="$root/$build/hubdesk-sandbox"
export HUBDESK_BIN="$root/$build/hubdesk"
export HUBDESK_TEST_TOOLS="$root/$build/tests"
export HUBDESK_TEST_DATA="$root/tests/data"
# Sanitizer reports fail the run; leaks inside ncurses' and curl's caches are not ours.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# No test may write the user's journal of hub changes (e2e tests also set their own).
export XDG_STATE_HOME="$logs/state"
failed=()
# A test fails on a non-zero exit or on any sanitizer report in its output, even one
# printed by a child process or swallowed by the test framework's signal handling.
run() {
    local name=$1; shift
    local start=$SECONDS log="$logs/$(echo "$name" | tr -c 'A-Za-z0-9_.-' _).log"
    "$@" > "$log" 2>&1
    local rc=$?
    if [ $rc -eq 0 ] && grep -qE 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer' "$log"; then
        rc=99
    fi
    if [ $rc -eq 0 ]; then
        printf 'PASS %-40s %3ds\n' "$name" $((SECONDS - start))
    else
        printf 'FAIL %-40s %3ds (exit %d)\n' "$name" $((SECONDS - start)) $rc
        tail -n 60 "$log" | sed 's/^/    /'
        failed+=("$name")
    fi
}

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    run "$(basename "$t") [$build]" "$t"
done
for t in tests/e2e/test_*.sh; do
    [ -f "$t" ] || continue
    run "$(basename "$t") [$build]" bash "$t" "$build"
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "failed in $build: ${failed[*]}" >&2
    exit 1
fi
echo "all tests passed in $build"
