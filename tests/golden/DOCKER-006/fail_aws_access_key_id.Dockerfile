FROM amazon/aws-cli:2.15.30
# *_ID names are allowed, except the AWS key id.
# expect-next: DOCKER-006
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE1
