FROM alpine:3.20
# Whether REF is a commit id is only known at build time.
# expect-unknown: DOCKER-009
ARG REF
ADD https://github.com/acme/plugins.git#${REF} /src/plugins
