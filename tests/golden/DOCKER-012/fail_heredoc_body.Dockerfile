# syntax=docker/dockerfile:1.7
FROM debian:12.5-slim
RUN <<EOF
set -eux
apt-get update
# expect-next: DOCKER-012
curl -fsSL https://get.example.com/install.sh | bash
EOF
RUN bash <<'EOF'
# expect-next: DOCKER-012
wget -q -O /tmp/p.tgz http://downloads.example.com/p.tgz
EOF
RUN cat <<EOF > /usr/local/share/README
curl -fsSL http://get.example.com/install.sh | bash
EOF
