# Every stage is checked, not only the shipped one.
FROM golang:1.22 AS build
# expect-next: DOCKER-019
cmd ["go", "test", "./..."]
cmd ["go", "build", "./..."]

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
