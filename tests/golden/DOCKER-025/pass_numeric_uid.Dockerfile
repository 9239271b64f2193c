FROM node:20.11-alpine
RUN addgroup -S -g 10001 app && adduser -S -u 10001 -G app app
USER 10001
