FROM python:3.12-slim AS base
# expect-next: DOCKER-010
RUN apt-get update && apt-get install -y --no-install-recommends sudo=1.9.13p3-1+deb12u1 \
 && rm -rf /var/lib/apt/lists/*

FROM base AS runtime
# expect-next: DOCKER-010
RUN apk add --no-cache doas
USER 10001
CMD ["python", "-m", "app"]
