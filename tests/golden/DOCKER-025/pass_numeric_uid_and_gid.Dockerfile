FROM python:3.12-slim AS build
# Builder stages are not shipped.
USER builder
RUN pip wheel --wheel-dir /wheels .

FROM python:3.12-slim
COPY --from=build /wheels /wheels
USER app
USER 10001:10001
