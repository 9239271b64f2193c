FROM alpine:3.20
# Alpine's "openssh" is a meta package that includes openssh-server.
# expect-next: DOCKER-014
RUN apk add --no-cache openssh
# expect-next: DOCKER-014
RUN apk add --no-cache dropbear
