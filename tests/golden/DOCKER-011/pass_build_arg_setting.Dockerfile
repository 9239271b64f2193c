FROM node:20.11-alpine
ARG NODE_TLS_REJECT_UNAUTHORIZED
RUN npm ci --omit=dev
