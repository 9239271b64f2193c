FROM node:20.11-alpine AS deps
FROM node@sha256:2b5e4b4f0e1e0a7f5a9c3d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a AS digest
FROM node:20@sha256:2b5e4b4f0e1e0a7f5a9c3d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a AS both
FROM --platform=linux/amd64 registry.example.com:5000/team/app:1.4.2 AS ported
FROM localhost:5000/app:2024.03 AS local
COPY --from=busybox:1.36.1 /bin/wget /usr/local/bin/wget
RUN --mount=type=bind,from=alpine:3.20,source=/etc/ssl,target=/ssl ls /ssl
