# Builder stages count: what they compile ships through COPY --from.
FROM golang:1.22.2 AS build
# expect-next: DOCKER-016
RUN go install github.com/swaggo/swag/cmd/swag@latest
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
