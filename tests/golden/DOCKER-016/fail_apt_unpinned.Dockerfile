FROM ubuntu:24.04
# expect-next: DOCKER-016
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl git=1:2.43.0-1ubuntu7 nginx/noble-backports \
 && rm -rf /var/lib/apt/lists/*
