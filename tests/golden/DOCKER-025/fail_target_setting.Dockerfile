FROM alpine:3.20 AS runtime
# expect-next: DOCKER-025
USER nobody

FROM runtime AS debug
USER 10001
