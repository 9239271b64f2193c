FROM debian:12.5-slim
# Exact versions, apt wildcards and local package files are all pinned.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      curl=7.88.1-10+deb12u5 \
      ca-certificates=20230311 \
      libc6:amd64=2.36-9+deb12u4 \
      tzdata=2024a-* \
      ./vendor/agent_1.4.2_amd64.deb \
 && rm -rf /var/lib/apt/lists/*

FROM alpine:3.20 AS tools
RUN apk add --no-cache --virtual .build-deps bash=5.2.26-r0 git~2.45

FROM rockylinux:9.3
RUN dnf install -y curl-7.76.1-29.el9_4 java-17-openjdk-headless-17.0.11.0.9-2.el9 \
 && dnf group install -y "Development Tools" \
 && dnf clean all
