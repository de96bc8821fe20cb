# The appliance's modems speak QMI or MBIM (most M.2 LTE/5G modules): keep both, whatever the distro says.
PACKAGECONFIG:append = " qmi mbim"
