FROM nginx:1.27 AS web
# expect-next: DOCKER-003
COPY --from=nginx /etc/nginx/nginx.conf /etc/nginx/nginx.conf
# expect-next: DOCKER-003
COPY --chown=101:101 --from=docker.io/library/busybox:latest /bin/busybox /bin/busybox
