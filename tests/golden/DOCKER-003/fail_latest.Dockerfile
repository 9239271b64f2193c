# expect-next: DOCKER-003
FROM node:latest AS build
RUN npm ci

FROM build
