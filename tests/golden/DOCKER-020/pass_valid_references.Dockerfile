# syntax=docker/dockerfile:1
ARG GO_IMAGE=golang:1.22
FROM ${GO_IMAGE} AS Build
RUN go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM alpine:3.20 AS runtime
COPY --from=BUILD /out/app /app
COPY --from=0 /etc/ssl/certs /etc/ssl/certs
COPY --from=busybox:1.36 /bin/wget /bin/wget
RUN --mount=type=bind,from=test,target=/t ls /t
RUN --mount=type=cache,target=/root/.cache true
