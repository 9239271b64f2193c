# A global ARG is only visible to FROM lines.
ARG NPM_TOKEN
FROM node:20.11-alpine
RUN echo "$NPM_TOKEN is not the global ARG here"
