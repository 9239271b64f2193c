ARG NODE_VERSION=16
# expect-next: DOCKER-023
FROM node:${NODE_VERSION}-bullseye-slim
COPY . /app
CMD ["node", "/app/server.js"]
