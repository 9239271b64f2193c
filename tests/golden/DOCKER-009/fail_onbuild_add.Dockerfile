# ONBUILD triggers run in every build FROM this image: their ADD is judged like any ADD.
FROM python:3.12-slim
# expect-next: DOCKER-009
ONBUILD ADD . /app/
# expect-next: DOCKER-009
ONBUILD ADD https://downloads.example.com/tool-1.4.2.tar.gz /opt/
# A local archive is what ADD is for, trigger or not.
ONBUILD ADD vendor.tar.gz /opt/vendor/
