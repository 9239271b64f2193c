FROM ubuntu:24.04
RUN useradd -m -u 10001 builder
USER builder
# expect-next: DOCKER-010
RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
USER 10001
