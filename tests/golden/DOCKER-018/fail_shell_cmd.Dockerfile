FROM node:20.11-alpine
WORKDIR /app
COPY . .
# expect-next: DOCKER-018
CMD node server.js
