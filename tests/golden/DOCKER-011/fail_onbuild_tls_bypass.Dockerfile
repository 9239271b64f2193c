FROM python:3.12-slim
# expect-next: DOCKER-011
ONBUILD RUN curl -fsSLk https://artifacts.internal.example/tools.tgz -o /tmp/tools.tgz
# expect-next: DOCKER-011
ONBUILD RUN pip install --no-cache-dir --trusted-host pypi.internal.example -r requirements.txt
# expect-next: DOCKER-011
ONBUILD RUN echo "sslverify=0" >> /etc/yum.conf
