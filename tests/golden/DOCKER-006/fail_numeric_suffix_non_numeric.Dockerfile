FROM alpine:3.20
# A "_TTL"-style name is only allowed with a number.
# expect-next: DOCKER-006
ENV TOKEN_TTL=tok_9f8e7d6c5b4a
