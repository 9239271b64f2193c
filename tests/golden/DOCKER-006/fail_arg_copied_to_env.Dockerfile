FROM node:20.11-alpine
# expect-next: DOCKER-006
ARG NPM_TOKEN
# expect-next: DOCKER-006
ENV NPM_TOKEN=${NPM_TOKEN}
