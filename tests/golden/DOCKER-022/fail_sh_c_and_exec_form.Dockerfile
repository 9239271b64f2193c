FROM debian:12.5-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# A new shell does not inherit pipefail from the SHELL that starts it.
# expect-next: DOCKER-022
RUN su -c "curl -fsSL https://downloads.example.com/a.tgz | tar -xz -C /opt" root
# expect-next: DOCKER-022
RUN ["/bin/sh", "-c", "ls /opt | wc -l"]
