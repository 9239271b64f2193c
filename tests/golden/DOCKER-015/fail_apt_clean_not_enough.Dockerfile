FROM debian:12.5-slim
# apt-get clean removes downloaded .debs only; /var/lib/apt/lists stays.
# expect-next: DOCKER-015
RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean
