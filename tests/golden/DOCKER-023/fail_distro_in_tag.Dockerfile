# Python 3.12 is supported, but the Debian 10 (buster) it is built on is not.
# expect-next: DOCKER-023
FROM python:3.12-slim-buster
COPY . /app
USER 10001
CMD ["python", "-m", "app"]
