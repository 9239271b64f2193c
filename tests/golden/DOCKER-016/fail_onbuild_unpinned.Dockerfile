FROM python:3.12-slim
# expect-next: DOCKER-016
ONBUILD RUN pip install --no-cache-dir flask gunicorn
# expect-next: DOCKER-016
ONBUILD RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
# expect-next: DOCKER-016
ONBUILD RUN npm install
