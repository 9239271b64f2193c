FROM debian:12.5-slim
ENV MIRROR=http://mirror.example.com
# expect-next: DOCKER-012
RUN curl -fsSL -o /tmp/geo.tgz ${MIRROR}/geo/geo-2024.tgz
