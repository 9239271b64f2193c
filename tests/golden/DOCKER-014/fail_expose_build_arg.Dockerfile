FROM ubuntu:24.04
ARG ADMIN_PORT
# docker.build_args sets ADMIN_PORT=22.
# expect-next: DOCKER-014
EXPOSE $ADMIN_PORT
