FROM ubuntu:24.04
# expect-next: DOCKER-014
EXPOSE 22
# expect-next: DOCKER-014
EXPOSE 8080 22/tcp
# expect-next: DOCKER-014
EXPOSE 20-30
# expect-next: DOCKER-014
expose 22/TCP
