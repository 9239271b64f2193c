FROM debian:12.5-slim
ARG INSTALLER_URL=https://downloads.example.com/installer.tgz
# expect-next: DOCKER-012
RUN curl -fsSL -o /tmp/installer.tgz "$INSTALLER_URL"
