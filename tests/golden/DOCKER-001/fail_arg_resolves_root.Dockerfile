FROM alpine:3.20
ARG RUN_AS=root
# expect-next: DOCKER-001
USER ${RUN_AS}
