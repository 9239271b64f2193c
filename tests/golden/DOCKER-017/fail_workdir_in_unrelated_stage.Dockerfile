FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app

# A WORKDIR in another stage does not apply here: only stages this one is FROM count.
FROM alpine:3.20
# expect-next: DOCKER-017
COPY --from=build /out/app app
