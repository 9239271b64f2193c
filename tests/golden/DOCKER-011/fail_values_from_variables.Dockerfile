FROM python:3.12-slim
ARG VERIFY=0
# expect-next: DOCKER-011
ENV PYTHONHTTPSVERIFY=${VERIFY}
ENV CURL_FLAGS="--fail --insecure"
# expect-next: DOCKER-011
RUN curl $CURL_FLAGS -o /tmp/x.tgz https://downloads.example.com/x.tgz
