FROM debian:12.5-slim AS notes
# A heredoc written to a file is data, and an echoed command is only text.
RUN cat <<EOF > /usr/share/doc/setup.txt
apt-get install curl
pip install flask
EOF
RUN echo "remember to run: apt-get install git"

FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
# PowerShell is not a POSIX shell: its RUN lines are not analysed.
RUN pip install flask
