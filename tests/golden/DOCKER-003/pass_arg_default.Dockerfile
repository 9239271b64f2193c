ARG NODE_VERSION=20.11
ARG BASE=node:${NODE_VERSION}-alpine
FROM ${BASE}
ARG HELPER=busybox:1.36.1
COPY --from=$HELPER /bin/wget /usr/local/bin/wget
