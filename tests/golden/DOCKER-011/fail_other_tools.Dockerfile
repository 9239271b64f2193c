FROM python:3.12-slim
# expect-next: DOCKER-011
RUN uv pip install --system --allow-insecure-host pypi.internal.example app==1.0.0
# expect-next: DOCKER-011
RUN conda config --set ssl_verify false
# expect-next: DOCKER-011
RUN poetry config certificates.internal.cert false
# expect-next: DOCKER-011
RUN apt-get -o Acquire::https::Verify-Peer=false update
