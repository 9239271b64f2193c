FROM python:3.12-slim
# expect-next: DOCKER-018
ENTRYPOINT ["python", "-m", "app",]
