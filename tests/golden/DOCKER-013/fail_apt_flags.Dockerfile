FROM debian:12.5-slim
# expect-next: DOCKER-013
RUN apt-get update && apt-get install -y --allow-unauthenticated internal-agent
# expect-next: DOCKER-013
RUN apt-get update --allow-insecure-repositories
# expect-next: DOCKER-013
RUN apt-get install -y --force-yes legacy-tool
# expect-next: DOCKER-013
RUN apt-get -o APT::Get::AllowUnauthenticated=true install -y internal-agent
# expect-next: DOCKER-013
RUN apt-get --option=Acquire::AllowInsecureRepositories=true update
# expect-next: DOCKER-013
RUN apt -oAcquire::AllowInsecureRepositories=1 update
