FROM python:3.12-slim AS base
RUN useradd --system --uid 10001 svc
# expect-next: DOCKER-025
USER svc

FROM base AS runtime
COPY app /app
CMD ["python", "-m", "app"]
