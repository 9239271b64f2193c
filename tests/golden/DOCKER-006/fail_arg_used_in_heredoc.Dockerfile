FROM python:3.12-slim
# expect-next: DOCKER-006
arg PIP_PASSWORD
RUN <<EOF
set -e
pip install --index-url "https://ci:$PIP_PASSWORD@pypi.example.com/simple" app
EOF
