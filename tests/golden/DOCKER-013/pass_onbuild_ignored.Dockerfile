FROM alpine:3.20
ONBUILD RUN apk add --allow-untrusted /tmp/child.apk
RUN apk add --no-cache curl=8.9.1-r1
