FROM rockylinux:9.3
# expect-next: DOCKER-011
RUN yum-config-manager --save --setopt=internal.sslverify=false
# expect-next: DOCKER-011
RUN dnf --setopt=sslverify=0 install -y app-1.2.3 && dnf clean all
# expect-next: DOCKER-011
RUN echo "sslverify=0" >> /etc/yum.repos.d/internal.repo
# expect-next: DOCKER-011
RUN sed -i 's/^sslverify=1/sslverify=0/' /etc/dnf/dnf.conf
