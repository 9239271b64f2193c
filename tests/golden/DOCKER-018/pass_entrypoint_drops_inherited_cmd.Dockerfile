FROM python:3.12-slim AS base
CMD python -m http.server

# An ENTRYPOINT resets the CMD inherited from the parent stage.
FROM base
ENTRYPOINT ["python", "-m", "app"]
