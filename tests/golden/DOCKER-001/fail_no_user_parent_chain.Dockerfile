FROM ubuntu:24.04 AS base
RUN apt-get update

FROM base AS middle
RUN echo middle

# expect-next: DOCKER-001
FROM Middle AS runtime
CMD ["app"]
