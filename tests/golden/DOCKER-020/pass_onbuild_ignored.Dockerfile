FROM alpine:3.20 AS base
# Triggers run in a child build, where "assets" may be an earlier stage.
ONBUILD COPY --from=assets /dist /srv/www
FROM base
