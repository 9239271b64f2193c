FROM debian:12.5-slim AS builder
# A builder stage's triggers matter only where it is built FROM; this one is not shipped.
ONBUILD RUN apt-get update && apt-get install -y make

FROM debian:12.5-slim
ONBUILD RUN apt-get update \
 && apt-get install -y --no-install-recommends python3=3.11.2-1+b1 \
 && rm -rf /var/lib/apt/lists/*
ONBUILD RUN pip install --no-cache-dir flask==3.0.2
