# None of these files is in the build context now: a named source still counts, since
# the build may generate it first (the CI job writes .env before `docker build`).
FROM python:3.12-slim
WORKDIR /app
# expect-next: DOCKER-007
COPY .env.production ./
# expect-next: DOCKER-007
COPY deploy/id_rsa /root/.ssh/id_rsa
# expect-next: DOCKER-007
ADD .aws/credentials /root/.aws/credentials
# expect-next: DOCKER-007
COPY ["infra/terraform.tfstate", "/state/"]
# expect-next: DOCKER-007
COPY --chown=10001 gcp-service-account.json keystore.P12 ./secrets/
# expect-next: DOCKER-007
COPY .docker/config.json .kube/config .git-credentials .netrc /root/
# expect-next: DOCKER-007
COPY certs/*.key /etc/ssl/private/
# expect-next: DOCKER-007
COPY ${HOME_DIR:-home}/.npmrc /root/.npmrc
