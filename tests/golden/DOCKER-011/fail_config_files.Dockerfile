# syntax=docker/dockerfile:1.7
FROM python:3.12-slim
# expect-next: DOCKER-011
RUN echo insecure >> ~/.curlrc
# expect-next: DOCKER-011
RUN printf 'check_certificate = off\n' > /root/.wgetrc
# expect-next: DOCKER-011
RUN cat <<EOF > /etc/pip.conf
[global]
index-url = https://pypi.internal.example/simple
trusted-host =
    pypi.internal.example
EOF
# expect-next: DOCKER-011
COPY <<EOF /root/.npmrc
registry=https://npm.internal.example/
strict-ssl=false
EOF
# expect-next: DOCKER-011
RUN echo 'Acquire::https::Verify-Peer "false";' > /etc/apt/apt.conf.d/99insecure
