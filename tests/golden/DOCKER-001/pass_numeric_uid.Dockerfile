FROM python:3.12-slim
RUN useradd --uid 10001 --no-create-home app
USER 10001:10001
CMD ["python", "-m", "http.server"]
