FROM debian:12
# A trigger runs in the child image's build, which DOCKER-021 checks there.
ONBUILD RUN --network=host apt-get update
