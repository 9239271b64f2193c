FROM debian:12.5-slim AS runtime
RUN useradd -u 10001 app
USER 10001

FROM runtime AS debug
USER root
RUN apt-get update && apt-get install -y --no-install-recommends sudo \
 && rm -rf /var/lib/apt/lists/*
