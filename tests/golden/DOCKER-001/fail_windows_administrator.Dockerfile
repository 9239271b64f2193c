FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
# expect-next: DOCKER-001
USER administrator
