# The S003 deliverable shape: node:18 left upstream maintenance on 2025-04-30.
FROM node:18-alpine AS builder
WORKDIR /app
COPY package*.json ./
RUN npm ci --only=production
COPY . .
RUN npm run build

# expect-next: DOCKER-023
FROM node:18-alpine AS runtime
WORKDIR /app
RUN addgroup -g 1001 -S nodejs && adduser -S nodeuser -u 1001
COPY --from=builder --chown=nodeuser:nodejs /app/dist ./dist
USER nodeuser
EXPOSE 3000
CMD ["npm", "start"]
