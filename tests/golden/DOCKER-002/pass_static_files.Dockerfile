# Prebuilt assets copied into a server image: nothing is built here.
FROM nginx:1.27-alpine
COPY dist/ /usr/share/nginx/html/
