# expect-unknown: DOCKER-008
FROM python:3.12-slim
ARG SRC
COPY $SRC /app
