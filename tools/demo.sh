#!/usr/bin/env bash
# The demo behind `./build.sh run`: live HEVC video (ristbond's test pattern with a burnt-in clock, encoded by libx265)
# bonded over three emulated cellular links (different rates and delays, a little loss) to librist's ristreceiver on
# this machine, with ristbond's live per-link table. With a display and ffplay, the received video is shown; the
# encoder's bitrate follows what the links carry. INPUT=testsrc runs the packet test stream instead.
# The receiver's reorder window covers the links' spread of delays: reorder-buffer for 0.2.7, rtt-min (twice that) for
# 0.2.11, which ignores reorder-buffer (see README, "Receiver settings").
# Ctrl-C stops everything and prints what the receiver got, and a summary of ristbond's stats (written to the work
# directory as stats.jsonl): each link's share of seconds in each state, and the recommended and encoder bitrate
# after 20 s (mean, min, CV) against the links' capacity.
# DURATION=60 runs it unattended for that many seconds (no live table) and ends with the same summary.
set -euo pipefail
RISTBOND=${1:?usage: demo.sh path/to/ristbond}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LINKEMU=$ROOT/artifacts/net10.0/bin/linkemu/release/linkemu
# The ristreceiver of ristbond's own librist build (./build.sh sets RISTBOND_RIST_TOOLS).
RISTRECEIVER=${RISTBOND_RIST_TOOLS:-$ROOT/artifacts/librist/linux-x64/bin}/ristreceiver
WORK=$(mktemp -d /tmp/ristbond-demo.XXXXXX)
RECEIVER_PORT=16000 OUTPUT_PORT=16010
INPUT=${INPUT:-pattern}
DURATION=${DURATION:-}
LINK_RATES=3000000,5000000,8000000

[ -x "$LINKEMU" ] || { echo "demo.sh: $LINKEMU is missing (run ./build.sh first)" >&2; exit 1; }
[ -x "$RISTRECEIVER" ] || { echo "demo.sh: $RISTRECEIVER is missing (run ./build.sh first)" >&2; exit 1; }

cleanup() {
  trap - EXIT INT TERM
  kill "$SENDER" 2>/dev/null || true; wait "$SENDER" 2>/dev/null || true
  sleep 1.5
  kill "$EMULATOR" "$RECEIVER" "$SINK" 2>/dev/null || true
  wait 2>/dev/null || true
  echo
  echo "receiver: $(grep -o '"flow_cumulative_stats":{[^}]*}' "$WORK/receiver.log" | tail -1)"
  python3 "$ROOT/tools/demo-summary.py" "$WORK/stats.jsonl" "$LINK_RATES" 20 || true
  echo "logs: $WORK"
}
trap cleanup EXIT INT TERM

"$RISTRECEIVER" -p 1 -i "rist://@127.0.0.1:$RECEIVER_PORT?reorder-buffer=120&rtt-min=240" -o "udp://127.0.0.1:$OUTPUT_PORT" -S 1000 >"$WORK/receiver.log" 2>&1 &
RECEIVER=$!
# Something must read the receiver's output, or its UDP socket reports errors: ffplay where it can show the video,
# else a quiet sink.
if [ "$INPUT" = pattern ] && command -v ffplay >/dev/null && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  ffplay -loglevel error -window_title "ristbond: received over 3 links" -fflags nobuffer -i "udp://127.0.0.1:$OUTPUT_PORT" >"$WORK/ffplay.log" 2>&1 &
else
  python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', $OUTPUT_PORT)); [s.recv(65536) for _ in iter(int, 1)]" &
fi
SINK=$!
"$LINKEMU" \
  --link "name=lte1,listen=127.0.0.1:17001,target=127.0.0.1:$RECEIVER_PORT,rate=3M,delay=45ms,jitter=8ms,loss=0.5%,down-delay=45ms" \
  --link "name=lte2,listen=127.0.0.1:17002,target=127.0.0.1:$RECEIVER_PORT,rate=5M,delay=70ms,jitter=10ms,loss=1%,down-delay=70ms" \
  --link "name=5g,listen=127.0.0.1:17003,target=127.0.0.1:$RECEIVER_PORT,rate=8M,delay=25ms,jitter=4ms,loss=0.2%,down-delay=25ms" \
  >"$WORK/linkemu.log" 2>&1 &
EMULATOR=$!
sleep 0.5

# Unattended (DURATION set): ristbond stops by itself, and there is no one to read a live table.
if [ -n "$DURATION" ]; then SHOW=(--duration "${DURATION}s"); else SHOW=(--table); fi
"$RISTBOND" send -i "$INPUT" --bitrate 6M "${SHOW[@]}" --stats-json "$WORK/stats.jsonl" \
  -o "rist://127.0.0.1:17001?name=lte1,rist://127.0.0.1:17002?name=lte2,rist://127.0.0.1:17003?name=5g" \
  2>"$WORK/ristbond.log" &
SENDER=$!
wait "$SENDER"
