#!/usr/bin/env bash
# ristbond: one entry point for setup, build, tests, the demo and the NativeAOT binary.
#   ./build.sh            setup (apt-get, librist from source, dotnet restore) and build
#   ./build.sh test       build, publish NativeAOT (linux-x64 and linux-arm64), run every test (the board's too)
#   ./build.sh run        demo: HEVC test pattern over 3 emulated links to a local ristreceiver (Ctrl-C stops)
#   ./build.sh aot [rid]  publish the NativeAOT binary to artifacts/aot/<rid>/ristbond (librist linked in)
#   ./build.sh bench      packet-path, whole-process, video and adaptive-bonding figures (see README)
#   ./build.sh board-test the emulated encoder board: boot a QEMU guest, run its steps (board/qemu-x86_64)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

# Debian packages the build, the tests and the demo need. Installed only when missing. librist is not among
# them: tools/native/build-librist builds it from source (meson, ninja-build, patch, xz-utils; apt-get fetches
# the source), and the tests run its ristsender/ristreceiver. ffmpeg still pulls in Debian's librist4 for its
# own rist input, which some tests use as a second kind of receiver.
APT_PACKAGES=(meson ninja-build patch xz-utils ffmpeg gcc zlib1g-dev iproute2 nftables procps dbus python3-dbusmock modemmanager-dev libsystemd0 libx265-199 libx265-dev chromium systemd)
# The emulated board's kernel source, emulator, guest userland and kernel build tools: only
# `./build.sh board-test` (and so `test`) installs these (the kernel source alone is 140 MB).
BOARD_APT_PACKAGES=(linux-source-6.1 qemu-system-x86 busybox-static cpio xz-utils iproute2 socat make gcc flex bison bc libelf-dev libssl-dev)
# A NativeAOT binary for another architecture than this machine's (linux-arm64, the board's, from x64): clang and
# lld link it, Debian's aarch64 gcc toolchain and libc give the linker the target's crt files and libraries, the
# triplet's objcopy strips it and its readelf checks it, qemu-user runs it for the start-up check. Installed only
# when such a binary is asked for.
CROSS_APT_PACKAGES=(clang lld gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
SOLUTION=ristbond.slnx
CONFIG=Release
AOT_DIR=$ROOT/artifacts/aot
HOST_RID=linux-x64
# librist's ristsender and ristreceiver of the build ristbond links: what the tests, benches and demo run.
export RISTBOND_RIST_TOOLS=$ROOT/artifacts/librist/$HOST_RID/bin

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_missing_packages() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    local sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

setup() {
  install_missing_packages "${APT_PACKAGES[@]}"
  command -v dotnet >/dev/null || { echo "build.sh: the .NET SDK 10 (dotnet) is not on PATH" >&2; exit 1; }
  "$ROOT/tools/native/build-librist" "$HOST_RID"
  log "dotnet restore"
  dotnet restore "$SOLUTION" --nologo -v q
}

build() {
  log "dotnet build ($CONFIG)"
  dotnet build "$SOLUTION" -c "$CONFIG" --no-restore --nologo -v q -clp:NoSummary
}

# The GNU triplet of a rid: its binutils check the binary (and strip it when cross-compiled).
triplet_of() {
  case $1 in
    linux-x64) echo x86_64-linux-gnu ;;
    linux-arm64) echo aarch64-linux-gnu ;;
    *) echo "build.sh: unknown rid '$1' (linux-x64 or linux-arm64)" >&2; return 2 ;;
  esac
}

# NativeAOT, with the static librist of the same rid linked in (librist must not be in DT_NEEDED).
aot() {
  local rid=${1:-linux-x64} out=$AOT_DIR/${1:-linux-x64} triplet cross=()
  triplet=$(triplet_of "$rid")
  if [ "$rid" != "$HOST_RID" ]; then
    install_missing_packages "${CROSS_APT_PACKAGES[@]}"
    # The SDK finds clang and the target's sysroot itself; only objcopy must be the target's (the host's cannot
    # strip an aarch64 object).
    cross=(-p:ObjCopyName="$triplet-objcopy")
  fi
  "$ROOT/tools/native/build-librist" "$rid"
  log "NativeAOT publish for $rid"
  dotnet publish src/Appliance -c "$CONFIG" -r "$rid" -p:PublishAot=true "${cross[@]}" --nologo -v q -o "$out"
  check_aot_binary "$rid" "$out/ristbond"
  log "NativeAOT binary: $out/ristbond ($(stat -c %s "$out/ristbond") bytes, librist linked in)"
}

# What the board needs of the binary: the target's machine, one self-contained executable (NativeAOT, no .NET
# host to find), and librist inside it rather than a librist.so to carry.
check_aot_binary() {
  local rid=$1 binary=$2 triplet machine
  triplet=$(triplet_of "$rid")
  case $rid in linux-x64) machine='Advanced Micro Devices X86-64' ;; linux-arm64) machine=AArch64 ;; esac
  command -v "$triplet-readelf" >/dev/null || { echo "build.sh: $triplet-readelf is missing (Debian: binutils-$triplet)" >&2; return 1; }
  if ! "$triplet-readelf" -h "$binary" | grep -q "Machine: *$machine"; then
    echo "build.sh: $binary is not a $rid ($machine) executable" >&2
    return 1
  fi
  local needed; needed=$("$triplet-readelf" -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  if grep -q librist <<<"$needed"; then
    echo "build.sh: $binary still needs a shared librist (DirectPInvoke did not take)" >&2
    return 1
  fi
  if grep -q -e hostfxr -e coreclr <<<"$needed" || [ -e "$(dirname "$binary")/ristbond.dll" ]; then
    echo "build.sh: $binary is not NativeAOT (it needs the .NET runtime)" >&2
    return 1
  fi
}

# The arm64 binary starts: under qemu-user with Debian's arm64 libc, it prints the same version as the x64 one.
check_arm64_starts() {
  local binary=$AOT_DIR/linux-arm64/ristbond got want
  log "arm64 binary starts (qemu-aarch64 $binary --version)"
  want=$("$AOT_DIR/$HOST_RID/ristbond" --version)
  got=$(qemu-aarch64 -L /usr/aarch64-linux-gnu "$binary" --version) \
    || { echo "build.sh: $binary --version failed under qemu-aarch64" >&2; return 1; }
  if [ "$got" != "$want" ]; then
    echo "build.sh: $binary --version printed '$got', the $HOST_RID binary '$want'" >&2
    return 1
  fi
}

run_tests() {
  export RISTBOND_BIN=$AOT_DIR/$HOST_RID/ristbond
  log "dotnet test"
  # One test assembly at a time: the end-to-end and emulator tests measure real time on a 2-core machine.
  dotnet test "$SOLUTION" -c "$CONFIG" --no-build --nologo -m:1
}

demo() {
  exec "$ROOT/tools/demo.sh" "$AOT_DIR/linux-x64/ristbond"
}

# The emulated board (real vicodec, vim2m, gpio-sim, netem, LED class): the kernel is built once and cached.
board_test() {
  install_missing_packages "${BOARD_APT_PACKAGES[@]}"
  log "board test (QEMU)"
  "$ROOT/board/qemu-x86_64/run-tests"
}

mkdir -p artifacts
case "${1:-build}" in
  setup) setup ;;
  build) setup; build ;;
  test) setup; build; aot linux-x64; aot linux-arm64; check_arm64_starts; run_tests; board_test ;;
  aot) setup; aot "${2:-linux-x64}" ;;
  run) setup; build; aot linux-x64; demo ;;
  bench) setup; build; aot linux-x64; shift; exec "$ROOT/tools/bench.sh" "$AOT_DIR/linux-x64/ristbond" "$@" ;;
  board-test) board_test ;;
  *) echo "usage: ./build.sh [setup|build|test|run|aot [rid]|bench|board-test]" >&2; exit 2 ;;
esac
