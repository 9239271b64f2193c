# expect-next: DOCKER-005
FROM python:3.12-slim
