# An ONBUILD trigger installs unverified packages into every image built FROM this one.
FROM alpine:3.20
# expect-next: DOCKER-013
ONBUILD RUN apk add --allow-untrusted /tmp/child.apk
RUN apk add --no-cache curl=8.9.1-r1
# expect-next: DOCKER-013
ONBUILD RUN echo "deb [trusted=yes] https://apt.example.com/debian bookworm main" \
      > /etc/apt/sources.list.d/internal.list
