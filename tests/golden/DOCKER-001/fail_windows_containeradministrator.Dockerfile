# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
COPY app C:\app
# expect-next: DOCKER-001
USER ContainerAdministrator
CMD ["C:\\app\\app.exe"]
