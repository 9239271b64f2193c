FROM python:3.12-slim
ARG TOOLS
# docker.build_args supplies TOOLS, so the package list is known.
RUN pip install --no-cache-dir $TOOLS
