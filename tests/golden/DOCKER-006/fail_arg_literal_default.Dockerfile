FROM python:3.12-slim
# expect-next: DOCKER-006
ARG API_KEY=abc123def456ghi789
RUN echo build
