# The board's test steps (busybox sh), sourced by /init. Each step is a function step_<name> run in
# its own shell; it ends with `pass "reason"` or `fail "reason"` (one line, saying what was seen).
# Whatever a step prints goes to the guest log, prefixed with its name. A step runs in its own
# session: when it overruns, init kills it and every process it started.

# The order the steps run in.
STEPS="machine vicodec vim2m gpio_sim netem leds ristbond_board"

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

# Makes an LED class device NAME through /dev/uleds, held by a background process that lives $2 seconds.
make_uled() {
  { printf '%s' "$1"; head -c $((64 - ${#1})) /dev/zero; printf '\377\000\000\000'; } >"/tmp/uleds-$1"
  { dd if="/tmp/uleds-$1" bs=68 count=1 2>/dev/null; exec sleep "$2"; } >/dev/uleds 2>/dev/null </dev/null &
  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -d "/sys/class/leds/$1" ] && return 0; sleep 0.2; done
  return 1
}


# (f) The board profile (board-profile.json, copied to /lib/board) on real kernel devices: the NativeAOT ristbond
# sends testsrc over two links, lte1 to a ristreceiver and lte2 to a port nobody answers on; the profile's LEDs are
# uleds devices and its lines are gpio-sim lines of a chip labelled ristbond-sim (found by label). Read back from the
# kernel while it runs: the streaming and lte1 LEDs solid, lte2's LED (a plain line) blinking, the error line low,
# lte1's power line held high and lte2's power line cycled (its link alone is down: 2 s, then off for 1 s); after
# it exits: the LEDs off and every line released (gpio-sim shows the pull-down again).
step_ristbond_board() {
  for part in ristbond librist ristreceiver; do
    grep -qx "$part" /lib/board/payload || fail "no $part in the board image (./build.sh aot makes ristbond)"
  done
  cfg=/sys/kernel/config/gpio-sim/ristbond
  mkdir "$cfg" "$cfg/bank0" || fail "could not create a gpio-sim device in configfs"
  echo 8 >"$cfg/bank0/num_lines" && echo ristbond-sim >"$cfg/bank0/label" && echo 1 >"$cfg/live" \
    || fail "could not set up gpio-sim chip ristbond-sim"
  lines=/sys/devices/platform/$(cat "$cfg/dev_name")/$(cat "$cfg/bank0/chip_name")
  line() { read -r v <"$lines/sim_gpio$1/value"; echo "$v"; }
  # Sets $t (active trigger) and $b (brightness) of LED $1 with builtins only.
  led() { read -r t <"/sys/class/leds/$1/trigger"; read -r b <"/sys/class/leds/$1/brightness"; t=${t#*[}; t=${t%%]*}; }
  make_uled board:green:stream 40 && make_uled board:green:lte1 40 || fail "uleds did not make the profile's LEDs"

  ristreceiver -p 1 -i 'rist://@0.0.0.0:6000' -o udp://127.0.0.1:7000 >/tmp/receiver.log 2>&1 &
  receiver=$!
  # A low rate: under software emulation a busier stream starves the CPU and the link looks congested.
  ristbond send -i testsrc --bitrate 500k -o 'rist://127.0.0.1:6000?name=lte1' -o 'rist://127.0.0.1:6002?name=lte2' \
    --board-profile /lib/board/board-profile.json --duration 9 >/tmp/ristbond.log 2>&1 &
  sender=$!

  # Sample while it runs: "power1 power2 led2 error stream-trigger stream lte1-trigger lte1". Builtins only, no
  # command substitution (a fork each): under emulation, beside ristbond, forks would allow about 2 samples a second.
  : >/tmp/samples
  while kill -0 $sender 2>/dev/null; do
    read -r p1 <"$lines/sim_gpio3/value"; read -r p2 <"$lines/sim_gpio4/value"
    read -r l2 <"$lines/sim_gpio2/value"; read -r e <"$lines/sim_gpio0/value"
    led board:green:stream; s="$t $b"; led board:green:lte1
    echo "$p1 $p2 $l2 $e $s $t $b" >>/tmp/samples
    sleep 0.05
  done
  wait $sender
  code=$?
  kill $receiver 2>/dev/null
  cat /tmp/ristbond.log
  echo "$(wc -l </tmp/samples) samples, the first and last: $(head -n 1 /tmp/samples) / $(tail -n 1 /tmp/samples)"
  led board:green:stream; s="$t $b"; led board:green:lte1
  after="$(line 0)$(line 2)$(line 3)$(line 4) $s $t $b"

  [ "$code" = 0 ] || fail "ristbond send exited $code: $(tail -n 3 /tmp/ristbond.log)"
  # Changes of a column, repeats dropped: "1 0 1".
  changes() { cut -d' ' -f"$1" /tmp/samples | uniq | tr '\n' ' ' | sed 's/ $//'; }
  power1=$(changes 1) power2=$(changes 2) led2=$(changes 3) error=$(changes 4)
  echo "power lte1: $power1; power lte2: $power2; lte2 LED: $led2; error: $error"
  grep -q '^1 [01] [01] 0 none 255 ' /tmp/samples || fail "never saw the streaming LED solid (with lte1 powered and error off)"
  # lte1's LED: the timer trigger while it connects, probes or is degraded; solid while live. Under emulation, with
  # ristbond and the receiver sharing two emulated CPUs, lte1 flaps and may never be live long enough to sample.
  grep -q ' timer [0-9]*$' /tmp/samples || fail "never saw lte1's LED on the timer trigger (blinking)"
  lte1_solid=$(grep -c ' none 255$' /tmp/samples)
  case $power1 in 1|"0 1") ;; *) fail "lte1's power line went $power1 (want held at 1)";; esac
  case " $power2 " in *" 1 0 1 "*) ;; *) fail "lte2's power line went $power2 (want a cycle 1 0 1)";; esac
  [ "$(echo "$led2" | wc -w)" -ge 5 ] || fail "lte2's LED line went $led2 (want it blinking)"
  case $error in 0) ;; *) fail "the error line went $error while lte1 carried the stream";; esac
  grep -q 'slot lte2: no working modem for 2 s: power off for 1 s' /tmp/ristbond.log || fail "no power-cycle line in ristbond's log"
  [ "$after" = "0000 none 0 none 0" ] || fail "after exit lines 0,2,3,4 read ${after%% *} and the LEDs ${after#* } (want all released, LEDs off)"
  pass "$(wc -l </tmp/samples) samples: streaming LED solid, lte1's LED blinking and solid in $lte1_solid, lte2's LED line blinking ($(echo "$led2" | wc -w) changes), lte2 power $power2, lte1 power held; all off and released after exit"
}
