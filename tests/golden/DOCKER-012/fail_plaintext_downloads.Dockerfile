FROM debian:12.5-slim AS build
# expect-next: DOCKER-012
RUN curl -fsSL -o /tmp/tool.tgz http://downloads.example.com/tool-1.4.2.tgz
# expect-next: DOCKER-012
RUN wget -q http://downloads.example.com/lib-2.0.tar.xz
# expect-next: DOCKER-012
RUN git clone --depth 1 -b v1.2.0 http://git.example.com/team/app.git /src/app
# expect-next: DOCKER-012
RUN git clone git://git.example.com/team/lib.git /src/lib
# expect-next: DOCKER-012
RUN curl -fsS -o /tmp/data.csv ftp://ftp.example.com/pub/data.csv

FROM python:3.12-slim
# expect-next: DOCKER-012
RUN pip install --no-cache-dir --index-url http://pypi.internal.example/simple app==1.0.0
# expect-next: DOCKER-012
RUN python3 -m pip install "wheelhouse-pkg @ http://files.example.com/pkg-1.0-py3-none-any.whl"
# expect-next: DOCKER-012
RUN npm install --registry=http://npm.internal.example/ left-pad@1.3.0
