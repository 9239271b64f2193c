# The port of a private registry is neither a tag nor a digest.
# expect-next: DOCKER-004
FROM localhost:5000/team/base
# expect-next: DOCKER-004
COPY --from=registry.example.com:443/tools/lint:2.1 /bin/lint /bin/lint
