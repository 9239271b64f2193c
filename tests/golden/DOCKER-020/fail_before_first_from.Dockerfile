# syntax=docker/dockerfile:1
ARG BASE=alpine:3.20
# Only ARG may come before the first FROM.
# expect-next: DOCKER-020
ENV APP_ENV=production
# expect-next: DOCKER-020
RUN echo "never runs"
FROM ${BASE}
