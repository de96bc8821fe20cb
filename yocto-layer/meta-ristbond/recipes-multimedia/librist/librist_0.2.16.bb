SUMMARY = "Reliable Internet Stream Transport (RIST) library"
DESCRIPTION = "librist: the RIST Simple and Main profile protocol library. ristbond sends one bonded RIST \
flow through it."
HOMEPAGE = "https://code.videolan.org/rist/librist"
SECTION = "libs"
LICENSE = "BSD-2-Clause"
# md5 of COPYING as stored in a librist clone; not yet checked against the 0.2.16 tarball (see README).
LIC_FILES_CHKSUM = "file://COPYING;md5=5fc800a2447aa8240efbc6a412f9fb9e"

SRC_URI = "https://code.videolan.org/rist/librist/-/archive/v${PV}/librist-v${PV}.tar.gz"
SRC_URI[sha256sum] = "ffcf575f02032ec89dfd6effa2e6f9a505d8dc2902853f10e83ab169ea588e20"
S = "${UNPACKDIR}/librist-v${PV}"

inherit meson pkgconfig

DEPENDS = "cjson"

# Static AND shared. The static archive (librist-staticdev) is for a NativeAOT build that links librist
# into the binary (DirectPInvoke); the ristbond binary `./build.sh aot linux-arm64` makes today does not:
# it loads librist.so.4 at run time (src/Rist/RistLibrary.cs), so the image needs the shared library.
# Tools off (the appliance runs ristbond, not ristsender), tests off, no fallback to bundled copies.
EXTRA_OEMESON = " \
    -Ddefault_library=both \
    -Dbuilt_tools=false \
    -Dtest=false \
    -Dfallback_builtin=false \
    -Dbuiltin_cjson=false \
    -Dbuiltin_mbedtls=false \
"

# PSK encryption (secret=, aes-type=) uses librist's own AES; mbedtls adds EAP-SRP (username/password).
# With mbedtls 3.x, librist 0.2.16 needs upstream commit df07717c ("remove unused mbedtls/entropy_poll.h
# include") as a patch.
PACKAGECONFIG ??= ""
PACKAGECONFIG[mbedtls] = "-Duse_mbedtls=true,-Duse_mbedtls=false,mbedtls"
