FROM registry.example.com/base/web:2.3 AS runtime
COPY app /app
