FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
# PowerShell is not a POSIX shell: the POSIX package-manager checks do not apply.
RUN pip install flask
