FROM rockylinux:9.3
# expect-next: DOCKER-013
RUN yum install -y --nogpgcheck internal-agent-2.4.1
# expect-next: DOCKER-013
RUN dnf --setopt=gpgcheck=0 install -y tool-1.0 && dnf clean all
# expect-next: DOCKER-013
RUN yum-config-manager --save --setopt=internal.gpgcheck=false
# expect-next: DOCKER-013
RUN microdnf install -y --nogpgcheck tool-1.0
# expect-next: DOCKER-013
RUN echo "gpgcheck=0" >> /etc/yum.repos.d/internal.repo
# expect-next: DOCKER-013
RUN sed -i 's/^gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/*.repo
# expect-next: DOCKER-013
COPY <<EOF /etc/yum.repos.d/extra.repo
[extra]
name=Extra
baseurl=https://rpm.example.com/el9/
gpgcheck=0
EOF
