FROM node:20.11-alpine AS base
ENV NODE_ENV=production
WORKDIR /app

FROM base
COPY package.json package-lock.json yarn.lock pnpm-lock.yaml ./
# NODE_ENV=production (inherited from base) makes these skip devDependencies.
RUN npm ci
RUN yarn install --frozen-lockfile
RUN export NODE_ENV=production && pnpm install --frozen-lockfile
