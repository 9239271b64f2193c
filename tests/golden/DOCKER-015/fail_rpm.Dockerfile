FROM rockylinux:9.3
# expect-next: DOCKER-015
RUN yum install nginx
# The clean must be the same manager's.
# expect-next: DOCKER-015
RUN dnf install -y httpd && yum clean all
# expect-next: DOCKER-015
RUN tdnf install less && tdnf clean all
# "dnf clean packages" keeps the metadata.
# expect-next: DOCKER-015
RUN dnf install -y jq && dnf clean packages
# expect-next: DOCKER-015
RUN microdnf install -y shadow-utils
