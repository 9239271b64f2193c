# The setting can exclude an image the defaults would allow.
# expect-next: DOCKER-001
FROM registry.example.com/legacy/app:1.0-nonroot
