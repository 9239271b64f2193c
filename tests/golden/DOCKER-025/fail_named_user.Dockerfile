FROM node:20.11-alpine
RUN addgroup -S app && adduser -S -G app app
# expect-next: DOCKER-025
USER app
CMD ["node", "/app/server.js"]
