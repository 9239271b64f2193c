# The shipped stage inherits its OS from the root of its chain.
# expect-next: DOCKER-023
FROM centos:7 AS base
RUN yum install -y httpd && yum clean all

FROM base AS runtime
COPY site/ /var/www/html/
CMD ["httpd", "-DFOREGROUND"]
