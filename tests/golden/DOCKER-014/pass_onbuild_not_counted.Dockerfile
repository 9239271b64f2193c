# What the shipped image runs and holds: an ONBUILD trigger installs into the images built
# FROM this one, which are checked where they are built.
FROM ubuntu:24.04
ONBUILD RUN apt-get update \
 && apt-get install -y --no-install-recommends openssh-server \
 && rm -rf /var/lib/apt/lists/*
ONBUILD CMD ["/usr/sbin/sshd", "-D"]
CMD ["/app/server"]
