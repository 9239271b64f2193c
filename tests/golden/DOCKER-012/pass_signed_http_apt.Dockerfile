# APT verifies repository signatures: http sources pass while docker.allow_signed_http_apt
# is true (the default). [trusted=yes] switches that off, which is DOCKER-013's finding.
FROM debian:12.5-slim
RUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list
RUN echo "deb [trusted=yes] http://apt.internal.example/debian bookworm main" > /etc/apt/sources.list.d/internal.list
RUN add-apt-repository "deb http://archive.example.com/ubuntu jammy main"
