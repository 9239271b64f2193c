FROM python:3.12-slim
# A trigger is judged like the stage's own ADD; this one copies with COPY.
ONBUILD COPY . /app/
COPY requirements.txt /app/
COPY <<EOT /etc/motd
ADD is not an instruction inside a heredoc body
EOT
