FROM debian:12.5-slim
# expect-next: DOCKER-022
RUN curl -fsSL https://downloads.example.com/tool-1.4.2.tgz | tar -xz -C /opt
# expect-next: DOCKER-022
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && curl -fsSL https://keys.example.com/repo.asc | gpg --dearmor -o /usr/share/keyrings/repo.gpg
# expect-next: DOCKER-022
RUN find /opt -name '*.so' |& tee /tmp/libs.txt
