# expect-next: DOCKER-005
FROM python:3.12-slim
# A trigger only takes effect in child images.
ONBUILD HEALTHCHECK CMD ["python", "-c", "print(1)"]
