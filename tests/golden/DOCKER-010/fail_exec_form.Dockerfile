FROM debian:12.5-slim
# expect-next: DOCKER-010
RUN ["sudo", "-E", "apt-get", "update"]
# expect-next: DOCKER-010
RUN ["/bin/sh", "-c", "sudo chown -R 10001 /srv"]
USER 10001
