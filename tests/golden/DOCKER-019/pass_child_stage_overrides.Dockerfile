FROM python:3.12-slim AS base
CMD ["python", "-m", "app"]
HEALTHCHECK CMD ["python", "-m", "app.health"]

# Overriding the parent stage's values is normal.
FROM base AS worker
CMD ["python", "-m", "app.worker"]
HEALTHCHECK NONE

FROM base
ENTRYPOINT ["python"]
CMD ["-m", "app"]
