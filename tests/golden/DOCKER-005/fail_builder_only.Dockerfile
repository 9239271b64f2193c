FROM golang:1.22 AS build
HEALTHCHECK CMD ["/bin/true"]
RUN go build -o /app ./...

# expect-next: DOCKER-005
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
ENTRYPOINT ["/app"]
