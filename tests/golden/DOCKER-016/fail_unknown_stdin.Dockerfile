FROM debian:12.5-slim
COPY packages.txt /tmp/
# expect-unknown: DOCKER-016
RUN apt-get update \
 && xargs apt-get install -y --no-install-recommends < /tmp/packages.txt \
 && rm -rf /var/lib/apt/lists/*
