FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

# Stage names are case-insensitive.
# expect-next: DOCKER-020
FROM node:20.11-alpine AS Build
RUN npm ci && npm run build

FROM alpine:3.20
COPY --from=build /out/app /app
