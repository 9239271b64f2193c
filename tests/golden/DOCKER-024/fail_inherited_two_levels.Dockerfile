FROM debian:12.5-slim AS toolchain
RUN apt-get update && apt-get install -y --no-install-recommends build-essential

FROM toolchain AS base
COPY . /src

# expect-next: DOCKER-024
FROM base
CMD ["/src/run.sh"]
