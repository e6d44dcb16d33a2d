# platform: windows
# Wine has neither the Host Compute Service nor Hyper-V's WMI provider.
$HVLIST vms
