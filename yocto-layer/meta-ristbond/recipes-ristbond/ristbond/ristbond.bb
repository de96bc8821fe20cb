SUMMARY = "ristbond: bonded RIST sender of the cellular encoder appliance"
DESCRIPTION = "The NativeAOT ristbond binary, its systemd unit, its configuration and the board profile, \
all taken from the ristbond repository this layer lives in."
# The repository carries no licence file yet; set LICENSE and LIC_FILES_CHKSUM when it does.
LICENSE = "CLOSED"

PV = "0.1"

# The prebuilt binary: `./build.sh aot linux-arm64` in the repository writes it here. bitbake does not
# build it (no .NET SDK in the build); set RISTBOND_AOT_DIR in local.conf to use another build's output.
RISTBOND_AOT_DIR ?= "${RISTBOND_REPO}/artifacts/aot/linux-arm64"
# The board profile: board/<RISTBOND_BOARD>/board-profile.json in the repository.
RISTBOND_BOARD ?= "qrb5165-rb5"

# No copies in the layer: every file:// below is found in the repository (or the AOT output) and unpacked
# under the same relative path. tests/YoctoLayer.Tests checks that each one exists and is what do_install uses.
FILESEXTRAPATHS:prepend = "${RISTBOND_AOT_DIR}:${RISTBOND_REPO}:"
SRC_URI = " \
    file://ristbond \
    file://packaging/systemd/ristbond.service \
    file://packaging/ristbond.json \
    file://packaging/sysctl.d/60-ristbond.conf \
    file://board/${RISTBOND_BOARD}/board-profile.json \
    file://docs/config.md \
"
S = "${UNPACKDIR}"

inherit systemd useradd

# The service runs as this user (User= in the unit); video/gpio/leds access through these groups.
USERADD_PACKAGES = "${PN}"
GROUPADD_PARAM:${PN} = "--system ristbond"
USERADD_PARAM:${PN} = "--system --gid ristbond --groups video,dialout --home-dir /var/lib/ristbond \
    --no-create-home --shell /sbin/nologin ristbond"

SYSTEMD_SERVICE:${PN} = "ristbond.service"
SYSTEMD_AUTO_ENABLE:${PN} = "enable"

do_configure[noexec] = "1"
do_compile[noexec] = "1"

do_install() {
    install -D -m 0755 ${UNPACKDIR}/ristbond ${D}${bindir}/ristbond
    install -D -m 0644 ${UNPACKDIR}/packaging/systemd/ristbond.service ${D}${systemd_system_unitdir}/ristbond.service
    install -D -m 0644 ${UNPACKDIR}/packaging/ristbond.json ${D}${sysconfdir}/ristbond/ristbond.json
    install -D -m 0644 ${UNPACKDIR}/packaging/sysctl.d/60-ristbond.conf ${D}${nonarch_libdir}/sysctl.d/60-ristbond.conf
    install -D -m 0644 ${UNPACKDIR}/board/${RISTBOND_BOARD}/board-profile.json ${D}${sysconfdir}/ristbond/board.json
    install -D -m 0644 ${UNPACKDIR}/docs/config.md ${D}${docdir}/ristbond/config.md
}

# The sysctl drop-in keeps the receiver's answers on every modem's interface (loose reverse-path filtering; see
# the file, and EndToEnd.Tests' BoundLinkTests, which applies it to veth "modems" set strict).
FILES:${PN} += "${systemd_system_unitdir}/ristbond.service ${nonarch_libdir}/sysctl.d/60-ristbond.conf"
CONFFILES:${PN} = "${sysconfdir}/ristbond/ristbond.json"

# The binary is NativeAOT output: linked and stripped by the .NET toolchain (StripSymbols), not by bitbake,
# and built with its own linker flags.
INSANE_SKIP:${PN} += "already-stripped ldflags"
# librist (0.2.11, the librist recipe's version and source) is linked into the binary: `./build.sh aot linux-arm64`
# links tools/native/build-librist's static library, and the binary's DT_NEEDED lists only libc, libm and the
# loader (tests/YoctoLayer.Tests checks it). libsystemd (sd-bus, sd_notify) is loaded at run time through
# NativeLibrary, so bitbake's shlib scan cannot see it.
RDEPENDS:${PN} = "systemd"
RRECOMMENDS:${PN} = "modemmanager"
