FROM alpine:3.20
COPY <<EOF /etc/motd
FROM ubuntu
COPY --from=nginx / /
EOF
