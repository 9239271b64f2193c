FROM python:3.12-slim AS base
ENV PIP_NO_CACHE_DIR=1
RUN pip install -r requirements.txt

FROM base
RUN pip install gunicorn==22.0.0
# pip treats every boolean value of PIP_NO_CACHE_DIR as "no cache", even "off".
RUN PIP_NO_CACHE_DIR=off python -m pip install uvicorn==0.29.0
RUN export UV_NO_CACHE=1 && uv pip install --system httpx==0.27.0
RUN pip install celery==5.4.0 && pip cache purge
