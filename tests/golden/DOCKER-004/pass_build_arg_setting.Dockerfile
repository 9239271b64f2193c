# The digest comes from docker.build_args.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
