# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
COPY app C:\app
# Shell form runs under cmd /S /C, which is PID 1 and does not pass on the stop signal;
# cmd has no exec.
# expect-next: DOCKER-018
CMD C:\app\service.exe --console
