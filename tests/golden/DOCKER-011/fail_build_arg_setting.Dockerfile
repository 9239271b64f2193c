FROM node:20.11-alpine
# expect-next: DOCKER-011
ARG NODE_TLS_REJECT_UNAUTHORIZED=1
RUN npm ci --omit=dev
