FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
WORKDIR C:/app
COPY app.exe C:/app/app.exe
COPY config.json .
