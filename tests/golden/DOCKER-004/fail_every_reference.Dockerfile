# expect-next: DOCKER-004
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

# expect-next: DOCKER-004
FROM alpine:3.20
COPY --from=build /out/app /usr/local/bin/app
# expect-next: DOCKER-004
COPY --from=busybox:1.36 /bin/wget /usr/local/bin/wget
# expect-next: DOCKER-004
RUN --mount=type=bind,from=python:3.12-slim,source=/usr/local/lib,target=/py \
    ls /py
# Two images mounted by one RUN: one finding for the instruction.
# expect-next: DOCKER-004
RUN --mount=type=bind,from=node:20,target=/n --mount=type=bind,from=golang:1.22,target=/g \
    ls /n /g
