# syntax=docker/dockerfile:1.7
FROM alpine:3.20
ENV APK_FLAGS="--no-cache --allow-untrusted"
# expect-next: DOCKER-013
RUN apk add $APK_FLAGS /tmp/agent.apk
RUN <<EOF
set -eu
# expect-next: DOCKER-013
apk add --allow-untrusted /tmp/other.apk
EOF
