# The board's test steps (busybox sh), sourced by /init. Each step is a function step_<name> run in
# its own shell; it ends with `pass "reason"` or `fail "reason"` (one line, saying what was seen).
# Whatever a step prints goes to the guest log, prefixed with its name. A step runs in its own
# session: when it overruns, init kills it and every process it started.

# The order the steps run in.
STEPS="machine vicodec vim2m vivid gpio_sim netem leds v4l2_devices v4l2_encode_pattern v4l2_encode_capture v4l2_bitrate v4l2_errors"

# The verdict is one line: newlines in a reason (a command's output) become spaces.
pass() { echo "PASS $*" | tr '\n' ' ' >"$VERDICT_FILE"; exit 0; }
fail() { echo "FAIL $*" | tr '\n' ' ' >"$VERDICT_FILE"; exit 1; }

# busybox sh runs its own applets before anything on PATH (Debian's busybox-static prefers
# applets), and its ip and tc know neither netns nor netem: call iproute2's by path.
ip() { /usr/sbin/ip "$@"; }
tc() { /usr/sbin/tc "$@"; }

# The /sys/class/video4linux entry whose name is $1 and whose device is bound to driver $2.
find_video_node() {
  for node in /sys/class/video4linux/video*; do
    [ -e "$node/name" ] || continue
    [ "$(cat "$node/name")" = "$1" ] || continue
    [ "$(basename "$(readlink "$node/device/driver")")" = "$2" ] || continue
    echo "${node##*/}"
    return 0
  done
  return 1
}

# The board as ristbond needs it: both CPUs up, and a clock finer than the 4 ms tick (RTTs and
# pacing are measured with it). Under QEMU's emulation the TSCs of two CPUs look unsynchronized and
# the kernel falls back to jiffies unless booted with tsc=reliable (run-tests does).
step_machine() {
  cpus=$(nproc) clock=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
  dmesg | grep -E 'clocksource: Switched|Marking TSC|smp: Brought up'
  [ "$cpus" -eq 2 ] || fail "$cpus CPU(s) online, want 2"
  case $clock in *jiffies*) fail "clocksource is $clock: time only advances in ticks";; esac
  pass "$cpus CPUs, clocksource $clock, kernel $(uname -r)"
}

# (a) vicodec registers three video nodes; the encoder is the one named "stateful-encoder".
step_vicodec() {
  for node in /sys/class/video4linux/video*; do
    [ -e "$node/name" ] && echo "${node##*/}: $(cat "$node/name")"
  done
  dev=$(find_video_node stateful-encoder vicodec) || fail "no video4linux node 'stateful-encoder' of driver vicodec"
  [ -c "/dev/$dev" ] || fail "/sys/class/video4linux/$dev exists but /dev/$dev is not a character device"
  pass "/dev/$dev is vicodec's stateful-encoder"
}

# (b) vim2m: a mem2mem device, the stand-in for a scaler/converter.
step_vim2m() {
  dev=$(find_video_node vim2m vim2m) || fail "no video4linux node 'vim2m' of driver vim2m"
  [ -c "/dev/$dev" ] || fail "/dev/$dev is not a character device"
  pass "/dev/$dev is vim2m"
}

# (b2) vivid: the capture device (an emulated webcam/HDMI input) whose frames go to the encoder.
step_vivid() {
  dev=$(find_video_node vivid-000-vid-cap vivid) || fail "no video4linux node 'vivid-000-vid-cap' of driver vivid"
  [ -c "/dev/$dev" ] || fail "/dev/$dev is not a character device"
  pass "/dev/$dev is vivid's video capture"
}

# (c) gpio-sim: a chip of 8 lines made through configfs. Its own sysfs shows each line's value,
# which follows the simulated pull while no one drives the line.
step_gpio_sim() {
  cfg=/sys/kernel/config/gpio-sim/board
  [ -d /sys/kernel/config/gpio-sim ] || fail "no /sys/kernel/config/gpio-sim (GPIO_SIM or configfs missing)"
  mkdir "$cfg" "$cfg/bank0" || fail "could not create the gpio-sim device in configfs"
  echo 8 >"$cfg/bank0/num_lines"
  mkdir "$cfg/bank0/line3" && echo modem1-power >"$cfg/bank0/line3/name"
  echo 1 >"$cfg/live" || fail "could not set the gpio-sim device live"
  chip=$(cat "$cfg/bank0/chip_name") platform=$(cat "$cfg/dev_name")
  echo "configfs: $platform, chip $chip"
  [ -c "/dev/$chip" ] || fail "$chip made but /dev/$chip did not appear"
  lines=/sys/devices/platform/$platform/$chip
  count=$(ls -d "$lines"/sim_gpio* | wc -l)
  [ "$count" -eq 8 ] || fail "$chip has $count lines in sysfs, not 8"
  low=$(cat "$lines/sim_gpio3/value")
  echo pull-up >"$lines/sim_gpio3/pull"
  high=$(cat "$lines/sim_gpio3/value")
  [ "$low" = 0 ] && [ "$high" = 1 ] || fail "line 3 read $low with pull-down and $high with pull-up (want 0, 1)"
  pass "/dev/$chip with 8 lines; line 3 (modem1-power) reads 0 pulled down, 1 pulled up"
}

# Round-trip times of `ping` as "min/avg/max" in ms, or nothing when no reply came.
ping_rtt() {
  ping -c "$1" -i 0.2 -W 3 "$2" | sed -n 's#^round-trip min/avg/max = \([0-9./]*\) ms#\1#p'
}

# (d) netem: a veth pair into a second network namespace (one emulated modem link), a netem qdisc
# on our end, and ping across it: the round trip must grow by the 50 ms netem adds.
step_netem() {
  ip -V | grep -q iproute2 || fail "/usr/sbin/ip is not iproute2's: $(ip -V 2>&1 | head -n 1)"
  ip netns add modem1 || fail "could not create network namespace modem1"
  ip link add veth-board type veth peer name veth-modem1 netns modem1 || fail "could not create the veth pair"
  ip addr add 10.99.1.1/24 dev veth-board && ip link set veth-board up
  ip -n modem1 addr add 10.99.1.2/24 dev veth-modem1 && ip -n modem1 link set veth-modem1 up \
    || fail "could not configure veth-modem1 in modem1"
  before=$(ping_rtt 3 10.99.1.2)
  [ -n "$before" ] || fail "no ping reply across the veth pair before netem"
  tc qdisc add dev veth-board root netem delay 50ms loss 1% || fail "tc could not add netem to veth-board"
  tc qdisc show dev veth-board
  tc qdisc show dev veth-board | grep -q 'netem.*delay 50ms.*loss 1%' || fail "netem qdisc not shown as set"
  after=$(ping_rtt 10 10.99.1.2)
  [ -n "$after" ] || fail "no ping reply across the veth pair with netem"
  echo "rtt min/avg/max ms: before $before, with netem $after"
  min=${after%%/*}
  awk -v m="$min" 'BEGIN { exit !(m >= 50) }' || fail "min rtt $min ms with netem delay 50ms (want >= 50)"
  ip netns del modem1
  pass "veth into netns modem1: rtt min/avg/max $before ms without netem, $after ms with delay 50ms loss 1%"
}

# (e) LEDs. Without a device tree there is no leds-gpio device to bind, so the LED is made from
# userspace with uleds (/dev/uleds), which registers a real LED class device for as long as the file
# stays open; then the timer and pattern triggers are set on it.
step_leds() {
  [ -d /sys/class/leds ] || fail "no /sys/class/leds (LEDS_CLASS missing)"
  [ -c /dev/uleds ] || fail "no /dev/uleds (LEDS_USER missing): cannot make an LED without a device tree"
  led=board:green:link
  # struct uleds_user_dev { char name[64]; int max_brightness; } = 68 bytes, in one write().
  { printf '%s' "$led"; head -c $((64 - ${#led})) /dev/zero; printf '\377\000\000\000'; } >/tmp/uleds-dev
  { dd if=/tmp/uleds-dev bs=68 count=1 2>/dev/null; exec sleep 30; } >/dev/uleds 2>/dev/null </dev/null &
  holder=$!
  sys=/sys/class/leds/$led
  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -d "$sys" ] && break; sleep 0.2; done
  [ -d "$sys" ] || { kill $holder; fail "uleds did not create $sys"; }
  ls /sys/class/leds
  echo "triggers: $(cat "$sys/trigger")"
  max=$(cat "$sys/max_brightness")
  echo timer >"$sys/trigger" && [ -e "$sys/delay_on" ] || { kill $holder; fail "timer trigger gave no delay_on on $led"; }
  echo 100 >"$sys/delay_on"; echo 900 >"$sys/delay_off"
  echo pattern >"$sys/trigger" && [ -e "$sys/pattern" ] || { kill $holder; fail "pattern trigger gave no pattern file on $led"; }
  echo "255 500 0 500" >"$sys/pattern"
  echo "pattern: $(cat "$sys/pattern")"
  kill $holder
  [ "$max" = 255 ] || fail "$led max_brightness $max (want 255)"
  pass "/sys/class/leds/$led (uleds) took the timer and pattern triggers"
}

# ---- ristbond's V4L2 path against the kernel's own drivers ----------------------------------------
# `ristbond video ...` (the NativeAOT binary from the payload) drives vicodec's stateful encoder (FWHT:
# the only stateful encoder an emulated board has) with frames from the test pattern and from vivid.

# Fails the step unless the NativeAOT ristbond is in the initramfs.
need_ristbond() {
  grep -qx ristbond /lib/board/payload 2>/dev/null && [ -x /usr/bin/ristbond ] \
    || fail "no ristbond in the initramfs (./build.sh aot makes artifacts/aot/linux-x64/ristbond)"
}

# The value of key=$2 on the report line of `ristbond video encode` starting with $1, from file $3.
report_value() { sed -n "s/^$1 .*\<$2=\([^ ]*\).*/\1/p" "$3" | head -n 1; }

# Runs `ristbond video encode` with the given arguments into /tmp/encode.out; fails the step on a non-zero exit.
run_encode() {
  ristbond video encode "$@" >/tmp/encode.out 2>&1
  rc=$?
  cat /tmp/encode.out
  [ $rc -eq 0 ] || fail "ristbond video encode $* exited $rc: $(tail -n 1 /tmp/encode.out)"
}

# Discovery by capability: vicodec's encoder found as an FWHT encoder, vivid as a capture device with NV12.
step_v4l2_devices() {
  need_ristbond
  enc=$(find_video_node stateful-encoder vicodec) cap=$(find_video_node vivid-000-vid-cap vivid)
  ristbond video devices >/tmp/devices.out 2>&1 || fail "ristbond video devices exited $?: $(tail -n 1 /tmp/devices.out)"
  cat /tmp/devices.out
  grep -q "^/dev/$enc: vicodec .*encoder (FWHT; single-planar).*raw in: .*NV12.*out: FWHT" /tmp/devices.out \
    || fail "/dev/$enc (vicodec stateful-encoder) not listed as an FWHT encoder taking NV12"
  grep -q "^/dev/$cap: vivid .*capture (single-planar).*NV12" /tmp/devices.out || fail "/dev/$cap (vivid) not listed as a capture device with NV12"
  grep -q "encoder (" /tmp/devices.out && [ "$(grep -c 'encoder (' /tmp/devices.out)" -eq 1 ] \
    || fail "want exactly one encoder (vicodec's), found: $(grep 'encoder (' /tmp/devices.out)"
  pass "/dev/$enc found as FWHT encoder, /dev/$cap as NV12 capture ($(wc -l </tmp/devices.out) video nodes)"
}

# The test pattern through vicodec, encoder found by discovery: every frame comes out, each a valid FWHT
# frame of the right size, keyframes at the GOP the encoder was set to, the file holds every byte.
step_v4l2_encode_pattern() {
  need_ristbond
  run_encode -i pattern --codec fwht --size 640x360 --frames 40 -o /tmp/pattern.fwht
  line=/tmp/encode.out
  coded=$(report_value encoded coded $line) valid=$(report_value encoded valid $line)
  keys=$(report_value encoded keyframes $line) bytes=$(report_value encoded bytes $line)
  size=$(wc -c </tmp/pattern.fwht)
  od -A d -t x1 -N 48 /tmp/pattern.fwht
  [ "$coded" = 40 ] || fail "40 frames in, $coded coded frames out"
  [ "$valid" = 40 ] || fail "$valid of 40 coded frames have an FWHT header of 640x360"
  [ "$keys" -ge 2 ] || fail "$keys keyframes in 40 frames (GOP 16 wants frames 0, 16, 32)"
  [ "$size" = "$bytes" ] && [ "$size" -gt 40000 ] || fail "output file has $size bytes, the report says $bytes"
  pass "pattern 640x360: 40 frames in, $coded FWHT frames out ($keys keyframes), $bytes bytes; $(grep -o 'latency_ms_avg=[^ ]*' $line)"
}

# vivid's frames (DMABUF exported, imported by vicodec) through the encoder.
step_v4l2_encode_capture() {
  need_ristbond
  enc=$(find_video_node stateful-encoder vicodec) cap=$(find_video_node vivid-000-vid-cap vivid)
  # 640x480: a size vivid offers whose height vicodec need not round up, so both lay frames out alike and
  # vicodec can read vivid's buffers in place (at 640x360 vicodec pads to 368 rows and frames are copied).
  run_encode -d "/dev/$enc" -i "v4l2:///dev/$cap" --codec fwht --size 640x480 --frames 30 -o /tmp/capture.fwht
  line=/tmp/encode.out
  coded=$(report_value encoded coded $line) valid=$(report_value encoded valid $line)
  grep -q "^input /dev/$cap (vivid) 640x480 Nv12" $line || fail "vivid not opened at 640x480 NV12: $(grep '^input' $line)"
  [ "$coded" = 30 ] && [ "$valid" = 30 ] || fail "30 captured frames in, $coded coded ($valid valid FWHT) out"
  mode=$(sed -n 's/^input .* fps, \(DMABUF import\|copied\).*/\1/p' $line)
  [ "$mode" = "DMABUF import" ] || fail "frames were not imported as DMABUF (vivid exports, vicodec imports): $(grep '^input' $line)"
  pass "vivid 640x480 NV12 -> vicodec by $mode: 30 frames, $coded FWHT frames, $(grep -o 'capture_dropped=[^ ]*' $line), $(grep -o 'latency_ms_avg=[^ ]*' $line)"
}

# Bitrate while streaming: vicodec has no bitrate control, so ristbond maps bitrate to its FWHT QP from the
# measured frame sizes. A drop from 20M to 300k must raise the QP and shrink the frames; the drop (below half)
# forces a keyframe, which vicodec (no FORCE_KEY_FRAME) gets by a restart of its queues.
step_v4l2_bitrate() {
  need_ristbond
  run_encode -i pattern --codec fwht --size 640x360 --frames 60 --bitrate 20M --bitrate-at 30:300k
  line=/tmp/encode.out
  grep -q "bitrate control QpMapping" $line || fail "vicodec not driven by QP mapping: $(head -n 1 $line)"
  high=$(sed -n 's/^segment frames=0-29 .*avg_bytes=\([0-9]*\) qp=\([0-9]*\)/\1 \2/p' $line)
  low=$(sed -n 's/^segment frames=30-59 .*avg_bytes=\([0-9]*\) qp=\([0-9]*\)/\1 \2/p' $line)
  [ -n "$high" ] && [ -n "$low" ] || fail "no segment lines for frames 0-29 and 30-59"
  set -- $high $low
  [ "$4" -gt "$2" ] || fail "QP $2 at 20M and $4 at 300k: the drop did not raise the QP"
  [ "$3" -lt "$1" ] || fail "frames of $1 bytes at 20M and $3 at 300k: the drop did not shrink them"
  restarts=$(report_value encoded restarts $line) coded=$(report_value encoded coded $line)
  [ "$restarts" -ge 1 ] || fail "the drop below half forced no keyframe (no restart of vicodec's queues)"
  [ "$coded" = 60 ] || fail "60 frames in, $coded out across the change"
  pass "20M -> 300k live: QP $2 -> $4, average frame $1 -> $3 bytes, $restarts restart(s) for the keyframe, $coded frames"
}

# Errors from the device, each one line naming the device and what failed, with a non-zero exit.
step_v4l2_errors() {
  need_ristbond
  cap=$(find_video_node vivid-000-vid-cap vivid) m2m=$(find_video_node vim2m vim2m)
  expect_error() {
    want=$1; shift
    out=$(ristbond video encode --frames 1 "$@" 2>&1); rc=$?
    echo "ristbond video encode $*: exit $rc: $out"
    [ $rc -ne 0 ] || fail "ristbond video encode $* exited 0"
    [ "$(echo "$out" | wc -l)" -eq 1 ] || fail "more than one line for $*: $out"
    echo "$out" | grep -q "$want" || fail "for $*: '$out' does not say '$want'"
  }
  expect_error "ristbond: Could not open /dev/video99: No such file or directory" -d /dev/video99
  expect_error "ristbond: Could not use /dev/$cap as an encoder: vivid .* is not a memory-to-memory device" -d "/dev/$cap"
  expect_error "ristbond: Could not use /dev/$m2m as an encoder: it produces .*, not FWHT" -d "/dev/$m2m" --codec fwht
  expect_error "ristbond: Could not query V4L2 capabilities on /dev/null: " -d /dev/null
  expect_error "ristbond: Could not capture from /dev/video98: \|Could not open /dev/video98" -i v4l2:///dev/video98 --codec fwht
  pass "wrong path, a capture device, vim2m (no coded format) and /dev/null as encoder each gave one line naming the device"
}
