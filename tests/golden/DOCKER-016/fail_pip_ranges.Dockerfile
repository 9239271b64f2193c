FROM python:3.12-slim
# expect-next: DOCKER-016
RUN pip install --no-cache-dir flask==3.0.2 "requests>=2.31" "pydantic~=2.7" "django==5.*" celery
# expect-next: DOCKER-016
RUN python3 -m pip install --no-cache-dir --upgrade pip
# expect-next: DOCKER-016
RUN pip install --no-cache-dir "git+https://github.com/example/lib.git@main#egg=lib"
