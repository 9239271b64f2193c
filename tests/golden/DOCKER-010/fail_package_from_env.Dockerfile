FROM fedora:40
ENV TOOLS="sudo procps-ng"
# expect-next: DOCKER-010
RUN dnf install -y $TOOLS && dnf clean all
USER 10001
