# syntax=docker/dockerfile:1.7
FROM python:3.12-slim
# BuildKit cache mounts never reach the layer, so no cleanup is needed.
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends libpq5
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
RUN --mount=type=cache,target=/home/app/.cache,uid=10001 pip install --user gunicorn==22.0.0
RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends jq
