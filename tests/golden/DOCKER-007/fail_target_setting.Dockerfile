FROM python:3.12-slim AS build
# docker.target ships the 'build' stage, which copies the credentials.
# expect-next: DOCKER-007
COPY .pypirc /root/.pypirc
RUN pip wheel --wheel-dir /wheels .

FROM python:3.12-slim AS runtime
COPY --from=build /wheels /wheels
