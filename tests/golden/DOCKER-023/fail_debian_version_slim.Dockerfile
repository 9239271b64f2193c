# expect-next: DOCKER-023
from debian:10-slim
run echo "keywords are case-insensitive"
