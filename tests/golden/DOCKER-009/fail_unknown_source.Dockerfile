FROM alpine:3.20
# expect-unknown: DOCKER-009
ARG SOURCE
ADD ${SOURCE} /opt/
