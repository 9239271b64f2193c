FROM debian:12.5-slim
RUN apt-get update && apt-get install -y --no-install-recommends gosu \
 && rm -rf /var/lib/apt/lists/*
RUN useradd -u 10001 app
ENTRYPOINT ["gosu", "app", "/usr/local/bin/app"]
