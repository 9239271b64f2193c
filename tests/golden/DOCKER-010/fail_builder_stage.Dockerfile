# sudo as a command fails in every stage, shipped or not.
FROM golang:1.22.1 AS build
WORKDIR /src
# expect-next: DOCKER-010
RUN sudo -u nobody go env GOPATH
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
