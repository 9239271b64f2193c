FROM alpine:3.20 AS base
# The final stage is built FROM base, so base's layers ship.
# expect-next: DOCKER-015
RUN apk add curl
# expect-next: DOCKER-015
RUN apk update && apk add --no-cache tzdata

FROM base
COPY app /app
