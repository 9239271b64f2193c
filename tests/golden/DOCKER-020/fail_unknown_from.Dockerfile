# Without a value for BASE it cannot be told whether it names a later stage.
# expect-unknown: DOCKER-020
ARG BASE
FROM ${BASE} AS app
FROM alpine:3.20
COPY --from=app /app /app
