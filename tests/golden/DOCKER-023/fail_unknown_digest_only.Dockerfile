# A digest pins the bytes but names no release.
# expect-unknown: DOCKER-023
FROM python@sha256:3f2d6e4c8b0a1f9e7d5c3b1a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e
CMD ["python", "-m", "app"]
