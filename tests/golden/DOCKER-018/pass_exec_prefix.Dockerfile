FROM python:3.12-slim
ENV PORT=8000
# The shell replaces itself with gunicorn, which becomes PID 1.
CMD exec gunicorn --bind "0.0.0.0:${PORT}" app:wsgi
