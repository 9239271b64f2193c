from alpine:3.20 as Runtime
run apk add --no-cache curl
# expect-next: DOCKER-001
user root
