FROM debian:12.5-slim
# expect-next: DOCKER-022
ONBUILD RUN ls /opt | wc -l
# expect-next: DOCKER-022
ONBUILD RUN curl -fsSL https://downloads.example.com/tool-1.4.2.tgz | tar -xz -C /opt
