FROM node:22.11-alpine3.22 AS build
WORKDIR /app
COPY . .
RUN npm ci --omit=dev

# The image name carries the versions: Node.js 22 on Debian 12.
FROM gcr.io/distroless/nodejs22-debian12:nonroot@sha256:4a1f2e4c8b0d6f9e3a7c5b1d9f2e8a6c4b0d7f3e9a1c5b8d2f6e0a4c7b3d9f1e
COPY --from=build /app /app
CMD ["/app/server.js"]
