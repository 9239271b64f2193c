FROM node:20.11-alpine AS deps
WORKDIR /app
COPY package.json pnpm-lock.yaml ./
# The final stage is built FROM deps: its node_modules ship.
# expect-next: DOCKER-024
RUN pnpm install --frozen-lockfile

FROM deps
COPY dist/ ./dist/
CMD ["node", "dist/server.js"]
