FROM python:3.12-slim
# Triggers run in the child image's build.
ONBUILD ADD . /app/
COPY requirements.txt /app/
COPY <<EOT /etc/motd
ADD is not an instruction inside a heredoc body
EOT
