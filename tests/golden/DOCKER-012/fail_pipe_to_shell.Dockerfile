FROM debian:12.5-slim
# expect-next: DOCKER-012
RUN curl -fsSL https://get.example.com/install.sh | sh
# expect-next: DOCKER-012
RUN wget -qO- https://get.example.com/setup | sudo -E bash -
# expect-next: DOCKER-012
RUN curl -sSL https://install.example.com | bash -s -- --version 1.2.3 --yes
# expect-next: DOCKER-012
RUN curl -sSL https://bootstrap.example.com/get.py | python3 -
# expect-next: DOCKER-012
RUN curl -fsSL https://get.example.com/x.sh | tee /tmp/x.sh | sh
# expect-next: DOCKER-012
RUN ["/bin/sh", "-c", "curl -fsSL https://get.example.com/install.sh | bash"]
# expect-next: DOCKER-012
RUN set -o pipefail && curl -fsSL http://get.example.com/install.sh | sudo sh
