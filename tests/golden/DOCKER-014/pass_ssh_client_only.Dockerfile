FROM debian:12.5-slim
# The application connects out over SSH: a client is fine.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssh-client git \
 && rm -rf /var/lib/apt/lists/*
RUN echo "never run sshd here" && ssh-keyscan github.com >> /etc/ssh/ssh_known_hosts
EXPOSE 8080 2222/tcp 443
CMD ["/app/server", "--ssh-port", "22"]
