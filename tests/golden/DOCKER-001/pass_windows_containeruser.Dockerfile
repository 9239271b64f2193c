# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
COPY app C:\app
RUN powershell -Command `
    Write-Host 'installing'
USER ContainerUser
CMD ["C:\\app\\app.exe"]
