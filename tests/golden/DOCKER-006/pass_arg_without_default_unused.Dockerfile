FROM alpine:3.20
# Declared but never read by a RUN: nothing reaches the cache or history.
ARG GITHUB_TOKEN
RUN echo "building"
