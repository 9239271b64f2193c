FROM python:3.12-slim
COPY app /app
# expect-next: DOCKER-019
CMD ["python", "-m", "app.worker"]
CMD ["python", "-m", "app"]
