FROM node:20.11-alpine
ARG NODE_ENV
ENV NODE_ENV=$NODE_ENV
COPY package.json package-lock.json ./
# expect-unknown: DOCKER-024
RUN npm ci
