# A version tag moves with every rebuild of the image; only a digest is immutable.
# expect-next: DOCKER-004
FROM node:20.11-alpine
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
