SUMMARY = "Reliable Internet Stream Transport (RIST) library"
DESCRIPTION = "librist: the RIST Simple and Main profile protocol library, and its ristsender and ristreceiver \
tools. ristbond links the same version statically (tools/native/build-librist)."
HOMEPAGE = "https://code.videolan.org/rist/librist"
SECTION = "libs"
LICENSE = "BSD-2-Clause"
# md5 of COPYING in the tarball below (checked by tests/YoctoLayer.Tests against the copy build-librist unpacks).
LIC_FILES_CHKSUM = "file://COPYING;md5=09a3f4fef2fbe291e90675fa6d707692"

# The source ristbond's own build links and its tests run: Debian trixie's DFSG orig tarball of 0.2.11, pinned by
# the same sha256 as tools/native/build-librist (tests/YoctoLayer.Tests checks that the two agree).
LIBRIST_TARBALL = "librist_${PV}+dfsg.orig.tar.xz"
SRC_URI = "${DEBIAN_MIRROR}/main/libr/librist/${LIBRIST_TARBALL}"
SRC_URI[sha256sum] = "6fe86afe4ba847db7847fe42401d88daf4db9290f5dcfcba0fc29d552f9516bf"
S = "${UNPACKDIR}/librist-v${PV}"

inherit meson pkgconfig

# The DFSG tarball has no bundled cJSON: here meta-oe's cjson recipe provides it, where tools/native/build-librist
# builds Debian's cjson source into librist (the NativeAOT binary then carries no libcjson beside it). Only the
# tools link it on the board; the ristbond binary is linked outside bitbake.
DEPENDS = "cjson"

# The options of tools/native/build-librist, so the image's librist is the one the tests ran: static (the
# NativeAOT ristbond links it in; nothing on the board loads a librist.so), symbols other than librist's made
# local (allow_obj_filter), no mbedtls (no SRP: ristbond refuses username=/password=), tests off. The tools stay
# on: ristsender and ristreceiver of the shipped librist, for checks in the field.
EXTRA_OEMESON = " \
    -Ddefault_library=static \
    -Dallow_obj_filter=true \
    -Dtest=false \
    -Duse_mbedtls=false \
    -Dbuiltin_cjson=false \
    -Dfallback_builtin=false \
"
# AES in userspace, not through the kernel's AF_ALG sockets, which the unit's RestrictAddressFamilies= does not
# allow. Through CFLAGS, not -Dc_args: meson.bbclass writes CFLAGS into the cross file's c_args, and a -Dc_args
# on the command line would replace them.
CFLAGS:append = " -ULINUX_CRYPTO"

# librist looks objcopy up as a build-machine program (for allow_obj_filter), so meson takes the native file's,
# the build host's objcopy: it skips the target's object without an error and the tools fail to link. The
# target's objcopy is the right one (tools/native/build-librist does the same with its native file).
do_write_config:append:class-target() {
    sed -i "s|^objcopy = .*|objcopy = '${OBJCOPY}'|" ${WORKDIR}/meson.native
}
