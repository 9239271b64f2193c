# syntax=docker/dockerfile:1.10
FROM node:20.11-alpine
ARG NPM_TOKEN
# The variable is filled from a secret mount, not from the build arg.
RUN --mount=type=secret,id=npm,env=NPM_TOKEN \
    npm config set //registry.npmjs.org/:_authToken="$NPM_TOKEN" && npm ci
