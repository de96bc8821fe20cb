SUMMARY = "ristbond appliance: the service, the modem stack and what they need at run time"
inherit packagegroup

# librist: the ristsender and ristreceiver of the librist ristbond links in (the same version and source), for
# checks in the field. ristbond itself needs no librist package: the library is inside the binary.
RDEPENDS:${PN} = " \
    ristbond \
    ristbond-data \
    librist \
    modemmanager \
    libqmi \
    libmbim \
    iproute2 \
"
# USB modem drivers: modules on most kernels, built in on some, so recommended rather than required.
RRECOMMENDS:${PN} = " \
    kernel-module-qmi-wwan \
    kernel-module-cdc-mbim \
    kernel-module-cdc-wdm \
    kernel-module-option \
"
