SUMMARY = "ristbond encoder appliance: read-only root, writable /data, systemd, ModemManager"
LICENSE = "MIT"

inherit core-image features_check
# systemd as init comes from the distro (INIT_MANAGER = "systemd", see README): checked, not assumed.
REQUIRED_DISTRO_FEATURES = "systemd"

IMAGE_INSTALL = "packagegroup-core-boot packagegroup-ristbond ${CORE_IMAGE_EXTRA_INSTALL}"
IMAGE_FEATURES += "read-only-rootfs"
IMAGE_LINGUAS = ""

# Two partitions: the read-only root and /data (state, secrets, journal). See wic/ristbond-appliance.wks.
IMAGE_FSTYPES += "wic"
WKS_FILE ?= "ristbond-appliance.wks"
# Root is the first partition of the wic image; runqemu boots the wic image by default.
QB_KERNEL_ROOT:qemuarm64 = "/dev/vda1"
QB_DEFAULT_FSTYPE:qemuarm64 = "wic"

# What /data starts with. wic takes the rootfs's data/ into the data partition and leaves the root's
# data/ empty (a mount point). Secrets (APN password, SIM PIN, RIST passphrase) go to
# /data/ristbond/secrets, which the service sees as /var/lib/ristbond/secrets.
ROOTFS_POSTPROCESS_COMMAND += "ristbond_data_layout"
ristbond_data_layout() {
    install -d -m 0750 ${IMAGE_ROOTFS}/data/ristbond
    install -d -m 0700 ${IMAGE_ROOTFS}/data/ristbond/secrets
    install -d -m 0755 ${IMAGE_ROOTFS}/data/journal
    chown -R ristbond:ristbond ${IMAGE_ROOTFS}/data/ristbond
}

# testimage: lib/oeqa/runtime/cases/ristbond.py asks this URL on the target (set it to the status API's).
RISTBOND_STATUS_URL ?= "http://127.0.0.1:8080/api/status"
