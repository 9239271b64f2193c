# expect-next: DOCKER-004
FROM node AS deps
# expect-next: DOCKER-004
FROM node:latest
COPY --from=deps /app /app
