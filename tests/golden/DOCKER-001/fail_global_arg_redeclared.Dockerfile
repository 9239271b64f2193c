ARG UID=0
FROM alpine:3.20
# Re-declaring the global ARG inside the stage brings its default in.
ARG UID
# expect-next: DOCKER-001
USER $UID:$UID
