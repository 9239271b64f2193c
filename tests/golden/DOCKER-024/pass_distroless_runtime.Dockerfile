FROM golang:1.22.2 AS build
WORKDIR /src
COPY . .
RUN apt-get update && apt-get install -y --no-install-recommends git gcc libc6-dev
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
