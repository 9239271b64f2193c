# No CMD or ENTRYPOINT here: the base image's applies, which this Dockerfile cannot change.
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
