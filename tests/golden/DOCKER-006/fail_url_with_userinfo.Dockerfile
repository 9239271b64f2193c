FROM python:3.12-slim
# expect-next: DOCKER-006
ENV REGISTRY_TOKEN_URL=https://deploy:glpat-abcdefghij1234567890@gitlab.example.com/api
