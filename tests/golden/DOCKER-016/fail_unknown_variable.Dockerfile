FROM debian:12.5-slim
ARG EXTRA_PACKAGES
# expect-unknown: DOCKER-016
RUN apt-get update \
 && apt-get install -y --no-install-recommends $EXTRA_PACKAGES \
 && rm -rf /var/lib/apt/lists/*
