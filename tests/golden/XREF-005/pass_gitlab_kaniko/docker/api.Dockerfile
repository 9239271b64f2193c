FROM python:3.12-slim AS build
RUN pip wheel --wheel-dir /wheels flask
FROM python:3.12-slim AS runtime
COPY --from=build /wheels /wheels
