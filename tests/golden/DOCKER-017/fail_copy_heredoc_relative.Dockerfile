FROM alpine:3.20
# expect-next: DOCKER-017
COPY <<EOT app.conf
listen 8080
EOT
