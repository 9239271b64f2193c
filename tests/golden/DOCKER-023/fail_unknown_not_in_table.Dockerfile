# expect-unknown: DOCKER-023
FROM registry.example.com/platform/base:2024.10
COPY app /usr/local/bin/app
CMD ["app"]
