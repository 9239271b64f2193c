# No USER: the base image's user applies (distroless :nonroot declares UID 65532);
# a root base is DOCKER-001's finding.
FROM gcr.io/distroless/static-debian12:nonroot
COPY app /app
ENTRYPOINT ["/app"]
