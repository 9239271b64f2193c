FROM python:3.12-slim AS base
WORKDIR /app
# expect-next: DOCKER-018
CMD python -m app

# The shipped stage inherits the shell-form CMD of the stage it is built FROM.
FROM base AS runtime
COPY . /app
