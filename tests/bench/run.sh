#!/usr/bin/env bash
# make bench: core timings, then memory of a real line-mode and console session.
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
"$build/bench/bench_core"

tmp=$(mktemp -d)
sock="hd-bench-$$"
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    [ -n "${sb_pid:-}" ] && kill "$sb_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
"$build/hubdesk-sandbox" --listen 127.0.0.1:0 --qr-first-ms 2000 --qr-next-ms 1000 \
    --scan-delay-ms 200 > "$tmp/sb.out" 2>/dev/null &
sb_pid=$!
for _ in $(seq 50); do grep -q listening "$tmp/sb.out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/.*listening on //p' "$tmp/sb.out")

peak_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# Line mode: peak RSS after three QR rotations.
HUBDESK_TOKEN=hubdesk-sandbox-token "$build/hubdesk" connect --provider keebai \
    --base-url "$base/keebai" --qr --json > "$tmp/line.out" 2>/dev/null &
pid=$!
for _ in $(seq 100); do [ "$(grep -c '"qr"' "$tmp/line.out")" -ge 3 ] && break; sleep 0.1; done
line_kb=$(peak_kb $pid)
curl -s -X POST "$base/_sandbox/sessions/latest/scan" > /dev/null
wait $pid

# Console: peak RSS with the QR on an 80x24 screen, after three rotations.
tmux -L "$sock" -f /dev/null new -d -x 80 -y 24 \
    "HUBDESK_TOKEN=hubdesk-sandbox-token $build/hubdesk --provider keebai --base-url $base/keebai"
sleep 0.5
tmux -L "$sock" send-keys Enter
sleep 4.5
tui_pid=$(pgrep -n -f "$build/hubdesk --provider")
tui_kb=$(peak_kb "$tui_pid")
tmux -L "$sock" send-keys q
printf '| peak RSS, line mode, 3 QR rotations | %s KiB | < 16384 KiB |\n' "${line_kb:-?}"
printf '| peak RSS, console at 80x24, QR shown, 3 rotations | %s KiB | < 16384 KiB |\n' "${tui_kb:-?}"
