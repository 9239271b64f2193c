FROM node:20.11-alpine AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM node:20.11-alpine
COPY --from=deps /node_modules ./node_modules
COPY . .
# expect-next: DOCKER-024
RUN npx tsc -p .
