FROM python:3.12-slim AS runtime
RUN pip install --no-cache-dir gunicorn==22.0.0

# Not shipped: docker.target selects "runtime".
FROM runtime AS dev
RUN apt-get update && apt-get install vim
