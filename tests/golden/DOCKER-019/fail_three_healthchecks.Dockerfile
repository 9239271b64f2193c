FROM nginx:1.27
# expect-next: DOCKER-019
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
# expect-next: DOCKER-019
HEALTHCHECK --interval=10s \
  CMD curl -f http://localhost/healthz || exit 1
HEALTHCHECK --interval=30s CMD ["curl", "-f", "http://localhost/healthz"]
