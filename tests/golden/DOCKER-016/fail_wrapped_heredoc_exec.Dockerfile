FROM debian:12.5-slim
# expect-next: DOCKER-016
RUN sudo apt-get install -y --no-install-recommends curl
RUN <<EOF
set -eux
apt-get update
# expect-next: DOCKER-016
apt-get install -y --no-install-recommends git
rm -rf /var/lib/apt/lists/*
EOF
# expect-next: DOCKER-016
RUN ["pip", "install", "--no-cache-dir", "flask"]
# expect-next: DOCKER-016
RUN sh -c "gem install rake"
