FROM alpine:3.20
# expect-next: DOCKER-010
RUN doas -u root apk add --no-cache curl
USER 10001
