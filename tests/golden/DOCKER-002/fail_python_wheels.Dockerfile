FROM python:3.12-slim
COPY . /src
# expect-next: DOCKER-002
RUN pip wheel --no-cache-dir --wheel-dir /wheels /src && python -m build /src
