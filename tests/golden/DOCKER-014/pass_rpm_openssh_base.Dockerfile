FROM rockylinux:9.3
# On RPM distributions "openssh" is only the shared base (ssh-keygen); the server is
# openssh-server.
RUN dnf install -y openssh openssh-clients && dnf clean all
