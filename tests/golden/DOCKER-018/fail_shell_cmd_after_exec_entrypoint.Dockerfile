FROM nginx:1.27
COPY docker-entrypoint.sh /docker-entrypoint.sh
ENTRYPOINT ["/docker-entrypoint.sh"]
# The entrypoint receives "/bin/sh" "-c" "exec nginx ..." as arguments: exec does not help.
# expect-next: DOCKER-018
CMD exec nginx -g 'daemon off;'
