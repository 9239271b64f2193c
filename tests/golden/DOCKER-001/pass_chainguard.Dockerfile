FROM cgr.dev/chainguard/python:latest-dev AS build
RUN pip install --user -r requirements.txt

# Chainguard images (except -dev) run as nonroot by default.
FROM cgr.dev/chainguard/python:3.12
COPY --from=build /home/nonroot/.local /home/nonroot/.local
ENTRYPOINT ["python", "-m", "app"]
