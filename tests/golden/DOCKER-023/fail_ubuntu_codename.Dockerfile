# expect-next: DOCKER-023
FROM docker.io/library/ubuntu:bionic
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
