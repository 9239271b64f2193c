FROM alpine:3.20
# expect-next: DOCKER-001
USER root:wheel
