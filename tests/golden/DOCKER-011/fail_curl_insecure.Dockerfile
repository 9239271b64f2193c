FROM debian:12.5-slim
# expect-next: DOCKER-011
RUN curl -fsSLk https://downloads.example.com/tool.tgz -o /tmp/tool.tgz
# expect-next: DOCKER-011
RUN curl --insecure --retry 3 -o /tmp/a.tgz https://downloads.example.com/a.tgz \
    && tar -C /opt -xzf /tmp/a.tgz
# expect-next: DOCKER-011
RUN curl -x http://proxy.internal:3128 --proxy-insecure -fsSL https://example.com/x.sh -o /x.sh
