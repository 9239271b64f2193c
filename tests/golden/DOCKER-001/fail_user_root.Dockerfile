FROM node:20.11-alpine AS build
RUN npm ci && npm run build

FROM node:20.11-alpine AS runtime
COPY --from=build /app/dist /app
# expect-next: DOCKER-001
USER root
CMD ["node", "/app/server.js"]
