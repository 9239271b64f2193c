FROM node:20.11 AS build
USER node
RUN npm ci

# A USER in a builder stage does not carry into an unrelated final stage.
# expect-next: DOCKER-001
FROM node:20.11-slim
COPY --from=build /home/node/app /app
CMD ["node", "/app"]
