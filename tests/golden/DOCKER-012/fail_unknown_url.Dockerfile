# expect-unknown: DOCKER-012
FROM debian:12.5-slim
ARG INSTALLER_URL
RUN curl -fsSL -o /tmp/installer.tgz "$INSTALLER_URL"
ARG ARCHIVE
ADD ${ARCHIVE} /opt/
