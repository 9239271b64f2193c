FROM debian:12
# A trigger asks for the host network in every build FROM this image.
# expect-next: DOCKER-021
ONBUILD RUN --network=host apt-get update
# expect-next: DOCKER-021
ONBUILD RUN --security=insecure mount -t tmpfs none /mnt
