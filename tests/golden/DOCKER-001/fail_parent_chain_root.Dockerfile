FROM ubuntu:24.04 AS base
RUN apt-get update
# The shipped stage inherits this USER through FROM base.
# expect-next: DOCKER-001
USER root

FROM base AS runtime
COPY app /usr/local/bin/app
CMD ["app"]
