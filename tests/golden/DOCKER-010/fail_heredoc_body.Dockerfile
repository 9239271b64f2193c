# syntax=docker/dockerfile:1.7
FROM debian:12.5-slim
RUN <<EOF
set -eu
mkdir -p /srv/app
# expect-next: DOCKER-010
sudo chown 10001 /srv/app
EOF
RUN bash -eu <<'SCRIPT'
echo "preparing"
# expect-next: DOCKER-010
  sudo --preserve-env=PATH install -d /srv/cache
SCRIPT
USER 10001
