# syntax=docker/dockerfile:1.7
FROM debian:12.5-slim
RUN <<EOF
set -eux
apt-get update
# expect-next: DOCKER-015
apt-get install -y --no-install-recommends curl
EOF
# expect-next: DOCKER-015
RUN ["pip", "install", "flask==3.0.2"]
# expect-next: DOCKER-015
RUN sudo apk add curl
