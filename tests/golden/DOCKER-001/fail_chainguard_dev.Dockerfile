# The -dev variants run as root.
# expect-next: DOCKER-001
FROM cgr.dev/chainguard/python:latest-dev
ENTRYPOINT ["python"]
