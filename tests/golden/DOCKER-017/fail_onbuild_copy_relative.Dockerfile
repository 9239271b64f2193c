# A trigger's COPY runs in the child build with this image's WORKDIR: there is none.
FROM node:20.11-alpine
# expect-next: DOCKER-017
ONBUILD COPY package.json ./
COPY server.js /srv/server.js
