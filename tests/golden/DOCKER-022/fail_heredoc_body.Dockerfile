# syntax=docker/dockerfile:1.7
FROM debian:12.5-slim
RUN <<EOF
set -eux
apt-get update
# expect-next: DOCKER-022
curl -fsSL https://downloads.example.com/a.tgz | tar -xz -C /opt
EOF
RUN bash <<'EOF'
set -e
# expect-next: DOCKER-022
sha256sum /opt/a/* | sort > /opt/a.sums
EOF
