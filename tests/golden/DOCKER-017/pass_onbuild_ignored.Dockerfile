FROM node:20.11-alpine
# Triggers run in the child image's build.
ONBUILD WORKDIR app
ONBUILD COPY . .
COPY server.js /app/server.js
