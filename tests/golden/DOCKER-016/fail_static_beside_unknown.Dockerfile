FROM debian:12.5-slim
ARG EXTRA_PACKAGES
# A known unpinned package fails even though another part of the list is unknown.
# expect-next: DOCKER-016
RUN apt-get update && apt-get install -y curl $EXTRA_PACKAGES && rm -rf /var/lib/apt/lists/*
