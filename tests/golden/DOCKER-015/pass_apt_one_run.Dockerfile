FROM debian:12.5-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
 && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get --yes -o APT::Install-Recommends=false install tzdata \
 && apt-get clean && rm -rf /var/lib/apt/lists
RUN apt-get update -qq \
 && apt-get install -qq --assume-yes --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/*
