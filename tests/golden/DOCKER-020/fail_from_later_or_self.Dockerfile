# FROM only sees earlier stages: these pull images called "runtime" and "app" instead.
# expect-next: DOCKER-020
FROM runtime AS debug
RUN apk add --no-cache strace

# expect-next: DOCKER-020
FROM app AS app

FROM alpine:3.20 AS runtime
