SUMMARY = "ristbond appliance: state and journal on the writable data partition"
DESCRIPTION = "The root file system is read-only; /data (its own partition, see wic/ristbond-appliance.wks) \
holds ristbond's state and secrets, bound on /var/lib/ristbond, and the persistent journal."
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

# These files are the appliance image's own (not the repository's): they live in this layer.
SRC_URI = " \
    file://var-lib-ristbond.mount \
    file://var-volatile-log-journal.mount \
    file://ristbond.service.d/data-partition.conf \
    file://journald.conf.d/persistent.conf \
"
S = "${UNPACKDIR}"

inherit systemd allarch

SYSTEMD_SERVICE:${PN} = "var-lib-ristbond.mount var-volatile-log-journal.mount"
SYSTEMD_AUTO_ENABLE:${PN} = "enable"

do_configure[noexec] = "1"
do_compile[noexec] = "1"

do_install() {
    install -D -m 0644 ${UNPACKDIR}/var-lib-ristbond.mount ${D}${systemd_system_unitdir}/var-lib-ristbond.mount
    install -D -m 0644 ${UNPACKDIR}/var-volatile-log-journal.mount ${D}${systemd_system_unitdir}/var-volatile-log-journal.mount
    install -D -m 0644 ${UNPACKDIR}/ristbond.service.d/data-partition.conf \
        ${D}${systemd_system_unitdir}/ristbond.service.d/data-partition.conf
    install -D -m 0644 ${UNPACKDIR}/journald.conf.d/persistent.conf \
        ${D}${nonarch_libdir}/systemd/journald.conf.d/50-ristbond-persistent.conf
    # Mount points on the read-only root.
    install -d ${D}/var/lib/ristbond ${D}/data
}

FILES:${PN} += " \
    ${systemd_system_unitdir} \
    ${nonarch_libdir}/systemd/journald.conf.d \
    /var/lib/ristbond \
    /data \
"
RDEPENDS:${PN} = "ristbond"
