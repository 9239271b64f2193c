FROM ubuntu:24.04 AS base
# expect-next: DOCKER-014
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server=1:9.6p1-3ubuntu13 \
 && rm -rf /var/lib/apt/lists/*

FROM base
# The Debian "ssh" meta package pulls in the server.
# expect-next: DOCKER-014
RUN apt-get update && apt-get install -y ssh && rm -rf /var/lib/apt/lists/*
# expect-next: DOCKER-014
RUN sudo apt-get install -y dropbear-bin
