FROM debian:12.5-slim
SHELL ["/bin/bash", "-e", "-c"]
# expect-next: DOCKER-022
RUN dpkg -l | grep -c '^ii'
