FROM example/service:1.2
# expect-next: DOCKER-005
HEALTHCHECK NONE
CMD ["service"]
