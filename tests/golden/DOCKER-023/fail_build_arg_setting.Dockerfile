# The default is supported; the build arg the pipeline passes is not.
ARG PYTHON_VERSION=3.12
# expect-next: DOCKER-023
FROM python:${PYTHON_VERSION}-slim
CMD ["python", "-m", "app"]
