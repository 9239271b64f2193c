FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /app ./...

# No USER, but the distroless nonroot tag runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
ENTRYPOINT ["/app"]
