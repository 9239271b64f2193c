FROM golang:1.19 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app ./cmd/app

# scratch holds only the binary: there is no runtime or distribution to age.
FROM scratch
COPY --from=build /app /app
ENTRYPOINT ["/app"]
