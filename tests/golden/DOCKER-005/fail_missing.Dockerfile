FROM node:18-alpine AS builder
RUN npm ci

# expect-next: DOCKER-005
FROM node:18-alpine AS runtime
COPY --from=builder /app /app
USER node
CMD ["npm", "start"]
