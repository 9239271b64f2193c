FROM node:20.11-alpine
WORKDIR /app
# Looks like exec form, but JSON needs double quotes: Docker runs it through /bin/sh -c.
# expect-next: DOCKER-018
CMD ['node', 'server.js']
