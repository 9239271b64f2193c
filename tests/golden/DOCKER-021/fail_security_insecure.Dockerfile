# syntax=docker/dockerfile:1-labs@sha256:2cc8c9d0f8a4b61f49444beca11a31db664d8816ae5a7932accfaab779328543
FROM debian:12
# expect-next: DOCKER-021
RUN --security=insecure mount -t tmpfs none /mnt && ls /mnt
RUN --security=sandbox echo "the default is fine"
