# An end-of-life builder does not ship; the final stage is current.
FROM node:16-buster AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM node:22.11-alpine3.22
COPY --from=build /app/dist /app
USER node
CMD ["node", "/app/server.js"]
