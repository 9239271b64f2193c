FROM ruby:3.3.1-slim AS ruby
# expect-next: DOCKER-016
RUN gem install bundler && gem install rails -v "~> 7.1"

FROM alpine:3.20 AS alpine
# expect-next: DOCKER-016
RUN apk add --no-cache curl bash@edge "jq>1.6"

FROM rockylinux:9.3
# java-17-openjdk is a name, not java version 17-openjdk.
# expect-next: DOCKER-016
RUN yum install -y java-17-openjdk nginx && yum clean all
