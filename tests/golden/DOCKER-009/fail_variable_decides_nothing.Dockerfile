FROM alpine:3.20
ARG NAME
# Whatever NAME is, app-*.py is no archive.
# expect-next: DOCKER-009
ADD src/app-${NAME}.py /app/
# Whatever NAME is, this is a tar archive.
ADD dist/${NAME}.tar.gz /opt/
