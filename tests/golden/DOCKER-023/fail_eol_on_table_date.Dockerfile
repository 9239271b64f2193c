# Alpine 3.21 reaches its end of life on 2026-11-01, the table's date: that day counts.
# expect-next: DOCKER-023
FROM alpine:3.21
RUN apk add --no-cache ca-certificates
