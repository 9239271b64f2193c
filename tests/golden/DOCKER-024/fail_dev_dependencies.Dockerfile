FROM node:20.11-alpine AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM node:20.11-alpine
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json yarn.lock ./
# expect-next: DOCKER-024
RUN npm ci
# expect-next: DOCKER-024
RUN npm install
# expect-next: DOCKER-024
RUN yarn install --frozen-lockfile
# --include=dev overrides NODE_ENV=production.
# expect-next: DOCKER-024
RUN NODE_ENV=production npm ci --include=dev
