# No default and no docker.build_args: which image is pulled is unknown.
# expect-unknown: DOCKER-004
ARG BASE_IMAGE
FROM $BASE_IMAGE
