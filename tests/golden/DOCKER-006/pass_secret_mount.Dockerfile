# syntax=docker/dockerfile:1
FROM node:20.11-alpine
WORKDIR /app
COPY package*.json ./
RUN --mount=type=secret,id=npm,target=/root/.npmrc npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
