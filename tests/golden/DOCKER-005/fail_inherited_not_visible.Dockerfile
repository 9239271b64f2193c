# The base image may define a HEALTHCHECK, but it is not on docker.healthcheck_inherited.
# expect-next: DOCKER-005
FROM registry.example.com/other/web:2.3
COPY app /app
