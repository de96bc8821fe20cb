SUMMARY = "ristbond appliance: the service, the modem stack and what they need at run time"
inherit packagegroup

# librist is listed although ristbond RDEPENDS on it: the binary loads it at run time and the image
# must say so where a reader looks for it.
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
