FROM python:3.12-slim
# expect-next: DOCKER-015
RUN pip install -r requirements.txt
# expect-next: DOCKER-015
RUN python3 -m pip install --user gunicorn==22.0.0
# expect-next: DOCKER-015
RUN uv pip install --system httpx==0.27.0
# A cache directory that is not pip's does not help.
# expect-next: DOCKER-015
RUN --mount=type=cache,target=/root/.npm pip install celery==5.4.0
