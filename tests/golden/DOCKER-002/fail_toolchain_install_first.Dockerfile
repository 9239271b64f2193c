FROM debian:12.5-slim
# The finding is at the first build step and lists all of them.
# expect-next: DOCKER-002
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential=12.9 libssl-dev=3.0.11-1~deb12u2 \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN make -C /src && cmake --build /src/build
