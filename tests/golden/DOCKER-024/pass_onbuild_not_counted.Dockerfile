FROM golang:1.22-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app

FROM alpine:3.20
COPY --from=build /out/app /usr/local/bin/app
# Builds in the images FROM this one, where the child decides whether that is a builder.
ONBUILD RUN apk add --no-cache gcc=13.2.1_git20240309-r0 musl-dev=1.2.5-r0
ONBUILD RUN npm install
USER 10001
CMD ["/usr/local/bin/app"]
