# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
COPY setup.ps1 C:\setup\
WORKDIR C:\app
WORKDIR C:/inetpub/wwwroot
WORKDIR \data
COPY site\ .\
