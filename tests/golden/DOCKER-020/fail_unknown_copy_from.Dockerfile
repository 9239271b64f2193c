FROM alpine:3.20 AS tools
FROM alpine:3.20
# expect-unknown: DOCKER-020
ARG SOURCE_STAGE
COPY --from=${SOURCE_STAGE} /bin/tool /bin/tool
