FROM python:3.12-slim AS base
COPY requirements.txt /tmp/requirements.txt
ADD vendor.tar.gz /opt/vendor/
WORKDIR /app
COPY . .
ARG RELEASE
# Absolute whatever RELEASE turns out to be.
WORKDIR /srv/releases/${RELEASE}
ENV APP_HOME=/opt/app
WORKDIR $APP_HOME
WORKDIR "/var/lib/app data"

FROM base AS test
# The WORKDIR of the stage this one is built FROM applies.
COPY tests/ tests/
