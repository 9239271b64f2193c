# expect-next: DOCKER-001
FROM python:3.12-slim
COPY . /app
CMD ["python", "/app/main.py"]
