FROM google/cloud-sdk:470.0.0-slim
WORKDIR /app
ARG GOOGLE_APPLICATION_CREDENTIALS
# The variable names a credential file, whatever its value (Trivy DS031).
# expect-next: DOCKER-007
COPY $GOOGLE_APPLICATION_CREDENTIALS /creds.json
ARG AWS_CONFIG_FILE=aws.cfg
# expect-next: DOCKER-007
COPY ${AWS_CONFIG_FILE} /root/.aws/config
# Copied to where such a variable points: the file is the credential file, whatever its name.
# expect-next: DOCKER-007
COPY cluster.yaml $KUBECONFIG
# expect-next: DOCKER-007
COPY gcp.json /secrets/gcp.json
ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/gcp.json
ENV DOCKER_CONFIG=/app/docker
# expect-next: DOCKER-007
COPY registry-auth.json docker/config.json
COPY settings.json /app/settings.json
COPY docker.md /app/
