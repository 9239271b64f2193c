FROM node:20.11-alpine
ARG VERSION=1.2.3
ENV NODE_ENV=production PORT=3000 LOG_LEVEL=info
LABEL org.opencontainers.image.version=$VERSION
