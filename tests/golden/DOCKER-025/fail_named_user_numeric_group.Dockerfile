FROM python:3.12-slim
# runAsNonRoot looks at the user, and the user is a name.
# expect-next: DOCKER-025
USER app:10001
