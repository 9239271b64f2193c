FROM alpine:3.20
COPY keys/packager.rsa.pub /etc/apk/keys/
RUN apk add --no-cache /tmp/packages/internal-lib-1.2.0-r0.apk
