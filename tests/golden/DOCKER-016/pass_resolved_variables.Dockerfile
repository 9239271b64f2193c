FROM debian:12.5-slim
ARG CURL_VERSION=7.88.1-10+deb12u5
ENV RUNTIME_PACKAGES="ca-certificates=20230311 tzdata=2024a-0+deb12u1"
# The package list comes from ARG/ENV values the Dockerfile itself defines.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=${CURL_VERSION} $RUNTIME_PACKAGES \
 && rm -rf /var/lib/apt/lists/*
