FROM node:20.11-bookworm-slim
# expect-next: DOCKER-011
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
# expect-next: DOCKER-011
ENV LANG=C.UTF-8 PYTHONHTTPSVERIFY=0 TZ=UTC
# expect-next: DOCKER-011
ENV GIT_SSL_NO_VERIFY true
# expect-next: DOCKER-011
ENV npm_config_strict_ssl=false
# An empty GIT_SSL_NO_VERIFY still switches verification off.
# expect-next: DOCKER-011
ENV GIT_SSL_NO_VERIFY=""
# expect-next: DOCKER-011
ENV GOINSECURE=git.internal.example/*
