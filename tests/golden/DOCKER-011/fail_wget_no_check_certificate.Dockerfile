FROM alpine:3.20
# expect-next: DOCKER-011
RUN wget --no-check-certificate -qO /tmp/app.tgz https://downloads.example.com/app.tgz
# expect-next: DOCKER-011
RUN wget -e check_certificate=off https://downloads.example.com/b.tgz
# expect-next: DOCKER-011
RUN busybox wget --no-check-certificate -O /tmp/c.tgz https://downloads.example.com/c.tgz
