# Loopback hosts never leave the build container: plain http is fine there.
FROM python:3.12-slim
RUN curl -fsS -o /tmp/health http://localhost:8080/health
RUN curl -fsS -o /tmp/a http://127.0.0.1:9000/a http://127.8.0.1/b -o /tmp/b
RUN wget -q -O /tmp/c http://[::1]:8000/c && wget -q -O /tmp/d http://files.localhost/d
RUN pip install --index-url http://127.0.0.1:3141/root/pypi/+simple/ app==1.0.0
ADD http://localhost:8000/seed.sql /docker-entrypoint-initdb.d/
