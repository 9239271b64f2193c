# expect-unknown: DOCKER-003
FROM alpine:3.20
ARG TARGETARCH
COPY --from=tools-${TARGETARCH} /bin/tool /bin/tool
