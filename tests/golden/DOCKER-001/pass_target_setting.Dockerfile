FROM node:20.11-alpine AS runtime
USER node
CMD ["node", "server.js"]

# The last stage is a test image; docker.target ships "runtime".
FROM runtime AS test
USER root
RUN npm test
