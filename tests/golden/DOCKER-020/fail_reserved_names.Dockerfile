# expect-next: DOCKER-020
FROM alpine:3.20 AS scratch
# expect-next: DOCKER-020
FROM alpine:3.20 AS Context
FROM alpine:3.20
