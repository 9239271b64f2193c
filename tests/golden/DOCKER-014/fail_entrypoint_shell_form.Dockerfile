FROM ubuntu:24.04
# expect-next: DOCKER-014
ENTRYPOINT service ssh start && exec /app/server
