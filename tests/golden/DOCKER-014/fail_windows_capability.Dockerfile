# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
# expect-next: DOCKER-014
RUN Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0; `
    Set-Service -Name sshd -StartupType Automatic
