# Plain distroless (no nonroot tag) runs as root.
# expect-next: DOCKER-001
FROM gcr.io/distroless/static-debian12:latest
COPY app /app
ENTRYPOINT ["/app"]
