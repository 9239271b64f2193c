FROM postgres:16.2
# A well-known credential variable with a placeholder: reported at medium.
# expect-next: DOCKER-006
ENV POSTGRES_PASSWORD=changeme
# expect-next: DOCKER-006
ENV AWS_SECRET_ACCESS_KEY=""
