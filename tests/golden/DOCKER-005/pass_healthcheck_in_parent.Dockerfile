FROM nginx:1.27 AS base
HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1

# Inherits the HEALTHCHECK through FROM base.
FROM base AS runtime
COPY site /usr/share/nginx/html
