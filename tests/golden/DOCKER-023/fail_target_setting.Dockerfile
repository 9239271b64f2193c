# docker.target ships the legacy stage.
# expect-next: DOCKER-023
FROM node:16-alpine AS legacy
CMD ["node", "server.js"]

FROM node:22-alpine AS current
CMD ["node", "server.js"]
