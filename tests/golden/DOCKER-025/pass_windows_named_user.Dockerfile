# escape=`
# Windows has no numeric UIDs; Kubernetes uses runAsUserName there.
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
USER ContainerUser
