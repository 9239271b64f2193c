FROM debian:12.5-slim
# One finding per command, naming every problem: no -y, recommends, lists left behind.
# expect-next: DOCKER-015
RUN apt-get update && apt-get install curl
# expect-next: DOCKER-015
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
# -qq implies -y, but apt-get(8) warns never to rely on that.
# expect-next: DOCKER-015
RUN apt-get update && apt-get install -qq --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
