# Packages in a stage that is only COPY --from'd are not shipped.
FROM debian:12.5-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends sudo build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN make -C /src

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/app /app
ENTRYPOINT ["/app"]
