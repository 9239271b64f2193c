FROM alpine:3.20
# expect-next: DOCKER-003
RUN --mount=type=bind,from=golang,source=/usr/local/go,target=/go \
    --mount=type=cache,target=/root/.cache \
    /go/bin/go version
