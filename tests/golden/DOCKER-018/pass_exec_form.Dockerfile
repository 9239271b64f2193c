FROM node:20.11-alpine AS build
# Only the shipped stage matters.
CMD npm run watch

FROM node:20.11-alpine
COPY --from=build /app /app
ENTRYPOINT ["node"]
CMD ["/app/server.js"]
