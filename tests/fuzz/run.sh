#!/usr/bin/env bash
# Runs each fuzz target for SECONDS on a scratch copy of its seed corpus (tests/fuzz/corpus/NAME)
# with its dictionary (tests/fuzz/dict/NAME.dict) when it has one; fails on a crash.
# Usage: tests/fuzz/run.sh SECONDS build/fuzz/fuzz_x ...
set -u
secs=$1; shift
root=$(cd "$(dirname "$0")/../.." && pwd)
status=0
for bin in "$@"; do
    name=$(basename "$bin"); name=${name#fuzz_}
    out=$(cd "$(dirname "$bin")" && pwd) # logs and crash inputs go beside the binary
    work=$(mktemp -d)
    [ -d "$root/tests/fuzz/corpus/$name" ] && cp -r "$root/tests/fuzz/corpus/$name/." "$work/"
    dict=()
    [ -f "$root/tests/fuzz/dict/$name.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$name.dict")
    if "$bin" -max_total_time="$secs" -max_len=8192 -artifact_prefix="$out/$name-" \
        -print_final_stats=1 ${dict[@]+"${dict[@]}"} "$work" > "$out/$name.log" 2>&1; then
        echo "PASS fuzz_$name ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/$name.log" | grep -o '[0-9]*$' || grep -Eo '#[0-9]+' "$out/$name.log" | tail -n 1) runs in ${secs}s)"
    else
        echo "FAIL fuzz_$name: see $out/$name.log and $out/$name-*"
        tail -n 30 "$out/$name.log"
        status=1
    fi
    rm -rf "$work"
done
exit $status
