FROM python:3.12-slim
# Triggers run in child builds; they are not this image's pulls.
ONBUILD COPY --from=nginx /etc/nginx /etc/nginx
