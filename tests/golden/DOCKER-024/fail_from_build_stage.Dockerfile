FROM golang:1.22.2 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app

# expect-next: DOCKER-024
FROM build
ENTRYPOINT ["/out/app"]
