FROM python:3.12-slim
ONBUILD COPY requirements.txt /app/
ONBUILD RUN pip install --no-cache-dir --require-hashes -r /app/requirements.txt
ONBUILD RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
 && rm -rf /var/lib/apt/lists/*
ONBUILD RUN npm ci
