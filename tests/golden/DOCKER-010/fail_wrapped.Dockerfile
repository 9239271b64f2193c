FROM alpine:3.20
# expect-next: DOCKER-010
RUN env LANG=C sudo apk add --no-cache tzdata
# expect-next: DOCKER-010
RUN find /srv -type d | xargs sudo chmod 0755
# expect-next: DOCKER-010
RUN echo "owner: $(sudo stat -c %U /srv)"
# expect-next: DOCKER-010
RUN timeout 60 su -c "sudo rc-update add app" root
USER 10001
