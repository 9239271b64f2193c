# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Get-ChildItem C:\ | Select-Object Name
RUN Get-Content C:\app\version.txt | Out-File C:\app\v.txt
