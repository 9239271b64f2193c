FROM ubuntu:24.04 AS base
RUN useradd -u 10001 app
USER app

FROM base AS test
USER root
RUN echo "tests may run as root"

# Built FROM base: inherits USER app through the parent chain.
FROM BASE AS runtime
COPY app /usr/local/bin/app
CMD ["app"]
