# syntax=docker/dockerfile:1.7
FROM ubuntu:24.04
# apt.conf settings written once count for every later install.
RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99-no-recommends
COPY <<EOF /etc/apt/apt.conf.d/90-assume-yes
APT::Get::Assume-Yes "true";
EOF
RUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*
