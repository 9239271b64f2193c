# Caches in a builder stage never ship: only the final stage's chain is checked.
FROM debian:12.5-slim AS build
RUN apt-get update
RUN apt install build-essential
RUN pip install wheel

FROM debian:12.5-slim
COPY --from=build /out /app
