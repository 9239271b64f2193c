# syntax=docker/dockerfile:1.7
FROM debian:12.5-slim
# expect-next: DOCKER-012
RUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list
# expect-next: DOCKER-012
RUN sed -i 's|https://deb.debian.org|http://deb.debian.org|g' /etc/apt/sources.list.d/debian.sources
# expect-next: DOCKER-012
RUN add-apt-repository "deb [arch=amd64] http://archive.example.com/ubuntu jammy main"
# expect-next: DOCKER-012
COPY <<EOF /etc/apt/sources.list.d/internal.sources
Types: deb
URIs: http://apt.internal.example/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/internal.gpg
EOF
RUN echo "deb https://apt.example.com/debian bookworm main" > /etc/apt/sources.list.d/ok.list
RUN echo "deb http://localhost:3142/debian bookworm main" > /etc/apt/sources.list.d/cache.list
