FROM python:3.12-slim
# Medium for this finding: the host network, not a privileged container.
# expect-next: DOCKER-021
RUN --network=host pip download --dest /wheels -r requirements.txt
RUN --network=none python -m compileall /app
RUN --network=default pip --version
