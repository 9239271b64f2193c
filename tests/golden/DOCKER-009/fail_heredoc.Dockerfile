FROM alpine:3.20
# Inline content needs no ADD.
# expect-next: DOCKER-009
ADD <<EOT /etc/motd
Welcome
EOT
