# Installing the sudo package is about what the shipped image holds: a trigger's install
# lands in whichever image is built FROM this one, and is checked where that one is built.
# Running sudo (fail_onbuild_sudo) is judged in a trigger like in any RUN.
FROM debian:12.5-slim
ONBUILD RUN apt-get update && apt-get install -y --no-install-recommends sudo \
 && rm -rf /var/lib/apt/lists/*
USER 10001
