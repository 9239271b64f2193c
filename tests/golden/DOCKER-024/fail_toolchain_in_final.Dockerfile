FROM python:3.12-slim AS wheels
RUN pip wheel --wheel-dir /wheels flask==3.0.2

FROM python:3.12-slim
COPY --from=wheels /wheels /wheels
# expect-next: DOCKER-024
RUN apt-get update && apt-get install -y --no-install-recommends gcc python3-dev
# The compiler is removed, but the headers stay.
# expect-next: DOCKER-024
RUN apk add --no-cache gcc musl-dev && apk del gcc
