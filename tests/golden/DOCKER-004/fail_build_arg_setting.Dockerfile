ARG BASE_IMAGE=alpine:3.20@sha256:5107354ea7525365a97517cec0500aac9a874dbff96ffe5456a75e6807d5bddf
# docker.build_args replaces the pinned default with a tag.
# expect-next: DOCKER-004
FROM $BASE_IMAGE
