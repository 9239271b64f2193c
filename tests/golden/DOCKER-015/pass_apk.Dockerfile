FROM alpine:3.20
RUN apk add --no-cache curl
RUN apk update && apk add tzdata && rm -rf /var/cache/apk/*
RUN apk --no-cache upgrade
RUN --mount=type=cache,target=/etc/apk/cache apk add bash
