# syntax=docker/dockerfile:1.7
FROM node:20.11-bookworm-slim
# The cache mount is on npm's cache, not apt's.
# expect-next: DOCKER-015
RUN --mount=type=cache,target=/root/.npm apt-get update && apt-get install -y --no-install-recommends git
