FROM python:3.12-slim AS build
RUN pip wheel --wheel-dir /wheels gitpython==3.1.43

FROM python:3.12-slim
COPY --from=build /wheels /wheels
# Runtime git is flagged unless waived with a reason.
# expect-next: DOCKER-024
RUN apt-get update && apt-get install -y --no-install-recommends git=1:2.39.2-1.1 \
 && rm -rf /var/lib/apt/lists/*
