FROM debian:12-slim
USER root
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# Root only for the install; the last USER wins.
USER app
CMD ["/usr/local/bin/app"]
