# syntax=docker/dockerfile:1.7
FROM node:20.11-bookworm-slim
# expect-next: DOCKER-011
RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci --omit=dev
# expect-next: DOCKER-011
RUN env PYTHONHTTPSVERIFY=0 python3 scripts/fetch_models.py
RUN <<EOF
set -eu
# expect-next: DOCKER-011
curl -kfsSL https://downloads.example.com/a.tgz -o /tmp/a.tgz
EOF
