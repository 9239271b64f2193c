# syntax=docker/dockerfile:1.7
FROM rust:1.77-slim
COPY . /src
RUN <<EOF
set -eux
cd /src
# expect-next: DOCKER-002
cargo build --release
EOF
