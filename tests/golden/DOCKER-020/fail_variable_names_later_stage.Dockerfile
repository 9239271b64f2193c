ARG DEBUG_BASE=runtime
# expect-next: DOCKER-020
FROM ${DEBUG_BASE} AS debug
FROM alpine:3.20 AS runtime
ARG FROM_STAGE=tools
# expect-next: DOCKER-020
COPY --from=${FROM_STAGE} /usr/bin/strace /usr/bin/strace
FROM alpine:3.20 AS tools
