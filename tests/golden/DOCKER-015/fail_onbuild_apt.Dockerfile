# Triggers of the shipped stage run in every image built FROM it, and their caches stay in
# that image's layers.
FROM ubuntu:24.04
# expect-next: DOCKER-015
ONBUILD RUN apt-get update && apt-get install -y python3
# expect-next: DOCKER-015
ONBUILD RUN apt-get update
# expect-next: DOCKER-015
ONBUILD RUN apk add curl=8.9.1-r1
# expect-next: DOCKER-015
ONBUILD RUN pip install flask==3.0.2
