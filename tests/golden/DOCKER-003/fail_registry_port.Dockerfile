# The ":5000" is the registry port, not a tag.
# expect-next: DOCKER-003
FROM localhost:5000/app
# expect-next: DOCKER-003
FROM registry.example.com:443/team/base AS other
