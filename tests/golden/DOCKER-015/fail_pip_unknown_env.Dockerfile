FROM python:3.12-slim
ARG PIP_NO_CACHE_DIR
# expect-unknown: DOCKER-015
RUN pip install -r requirements.txt
