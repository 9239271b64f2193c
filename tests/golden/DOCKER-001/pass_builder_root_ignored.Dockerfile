FROM golang:1.22 AS build
# Root in a builder stage that is only COPY --from'd is not shipped.
USER root
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
