# expect-next: DOCKER-006
ARG REGISTRY_PASSWORD=hunter2hunter2
FROM alpine:3.20
