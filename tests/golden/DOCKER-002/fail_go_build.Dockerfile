FROM golang:1.22.2-bookworm
WORKDIR /src
COPY . .
# expect-next: DOCKER-002
RUN go build -o /usr/local/bin/app ./cmd/app
ENTRYPOINT ["/usr/local/bin/app"]
