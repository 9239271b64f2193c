# An ONBUILD trigger runs in the child image's build, not in this one.
FROM node:20.11-alpine
ONBUILD COPY . /app
ONBUILD RUN npm ci && npm run build
