FROM alpine:3.20
# expect-next: DOCKER-001
USER 0:1000
