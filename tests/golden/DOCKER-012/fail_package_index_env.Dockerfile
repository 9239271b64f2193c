FROM python:3.12-slim
# expect-next: DOCKER-012
ENV PIP_INDEX_URL=http://pypi.internal.example/simple
# expect-next: DOCKER-012
RUN PIP_EXTRA_INDEX_URL=http://files.internal.example/simple pip install --no-cache-dir app==1.0.0
# expect-next: DOCKER-012
RUN npm config set registry http://npm.internal.example/
