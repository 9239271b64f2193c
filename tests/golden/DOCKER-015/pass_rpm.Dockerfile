FROM rockylinux:9.3
RUN dnf install -y nginx && dnf clean all
RUN yum -y update && yum -y install httpd && yum clean all
RUN dnf --setopt=assumeyes=True install git && dnf clean all
# microdnf never prompts.
RUN microdnf install shadow-utils && microdnf clean all
RUN tdnf install -y less && tdnf clean all
RUN --mount=type=cache,target=/var/cache/dnf dnf install -y jq
