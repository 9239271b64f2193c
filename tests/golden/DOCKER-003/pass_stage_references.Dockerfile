FROM golang:1.22.1 AS Builder
RUN go build -o /out/app ./...

FROM alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates

# Earlier stages by name (any case) or index are not pulled images.
FROM builder AS test
RUN go test ./...

FROM scratch
COPY --from=BUILDER /out/app /app
COPY --from=1 /etc/ssl/certs /etc/ssl/certs
RUN --mount=type=cache,from=builder,target=/root/.cache true
ENTRYPOINT ["/app"]
