FROM python:3.12-slim AS runtime
COPY app /app

# A developer image with tools; docker.target ships "runtime".
FROM runtime AS dev
RUN apt-get update && apt-get install -y build-essential git
