FROM python:3.12-slim
WORKDIR /app
# expect-next: DOCKER-009
ADD requirements.txt ./
# expect-next: DOCKER-009
add . /app
# A plain .gz or .zip is not a tar archive: ADD copies it unchanged.
# expect-next: DOCKER-009
ADD data.json.gz models.zip /data/
