FROM debian:12
ONBUILD RUN --network=none make -C /src
ONBUILD RUN --mount=type=cache,target=/var/cache/apt apt-get update
