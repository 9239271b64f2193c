FROM python:3.12-slim AS base
RUN pip install --no-cache-dir wheel==0.43.0

FROM python:3.12-slim
COPY requirements.txt .
# The official images' pattern: everything installed here is auto-removed again.
RUN savedAptMark="$(apt-mark showmanual)" \
 && apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
 && pip install --no-cache-dir -r requirements.txt \
 && apt-mark auto '.*' > /dev/null && apt-mark manual $savedAptMark \
 && apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false \
 && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends gcc \
 && pip install --no-cache-dir psutil==5.9.8 \
 && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*
RUN apk add --no-cache -t .build-deps gcc musl-dev && pip install uwsgi==2.0.25 && apk del .build-deps
