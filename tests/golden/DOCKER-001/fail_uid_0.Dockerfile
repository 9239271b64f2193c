FROM alpine:3.20
RUN adduser -D app
# expect-next: DOCKER-001
USER 0
CMD ["sleep", "infinity"]
