FROM golang:1.22 AS build
# expect-next: DOCKER-020
COPY --from=build /src /src
# expect-next: DOCKER-020
COPY --from=assets /dist /dist

FROM node:20.11-alpine AS assets
RUN npm run build

FROM alpine:3.20
# expect-next: DOCKER-020
RUN --mount=type=bind,from=later,source=/x,target=/x cp /x /y
COPY --from=build /out/app /app

FROM alpine:3.20 AS later
