FROM node:20.11-alpine
# expect-next: DOCKER-006
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && \
    npm ci && rm -f .npmrc
