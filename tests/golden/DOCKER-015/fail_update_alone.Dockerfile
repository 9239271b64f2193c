FROM debian:12.5-slim
# expect-next: DOCKER-015
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
