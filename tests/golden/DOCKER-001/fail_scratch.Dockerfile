FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /app ./...

# scratch has no /etc/passwd: the process runs as uid 0.
# expect-next: DOCKER-001
FROM scratch
COPY --from=build /app /app
ENTRYPOINT ["/app"]
