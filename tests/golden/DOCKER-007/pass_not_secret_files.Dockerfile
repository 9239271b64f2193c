# Templates, public keys, certificates and look-alike names are not secret-bearing.
FROM python:3.12-slim
WORKDIR /app
COPY .env.example .env.sample .env.template .env.dist ./
COPY .env.production.example ./
COPY id_rsa.pub id_ed25519.pub /root/.ssh/
COPY ca.crt environment.yaml keys.txt requirements.txt ./
COPY *.json ./
