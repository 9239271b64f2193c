# Two stages: a build in the final stage is DOCKER-024's finding, not this policy's.
FROM node:20.11-alpine AS deps
COPY package.json package-lock.json ./
RUN npm ci

FROM node:20.11-alpine
COPY --from=deps /node_modules ./node_modules
COPY . .
RUN npm run build
