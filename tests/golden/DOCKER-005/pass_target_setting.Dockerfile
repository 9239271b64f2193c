FROM python:3.12-slim AS runtime
HEALTHCHECK CMD python -c "print('ok')"

FROM python:3.12-slim AS lint
RUN pip install ruff
