# devops-policy: target= app
FROM python:3.12-slim AS app
USER 10001
CMD ["python", "-m", "app"]

FROM app AS debug
USER root
RUN pip install debugpy
