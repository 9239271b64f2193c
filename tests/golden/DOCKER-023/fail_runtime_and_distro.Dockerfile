# Both Go 1.20 and Alpine 3.18 are past their end of life: one finding names both.
# expect-next: DOCKER-023
FROM golang:1.20-alpine3.18
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app ./cmd/app
ENTRYPOINT ["/usr/local/bin/app"]
