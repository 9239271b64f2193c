# syntax=docker/dockerfile:1.7
FROM python:3.12-slim
ENV NODE_TLS_REJECT_UNAUTHORIZED=1 PYTHONHTTPSVERIFY=1 NPM_CONFIG_STRICT_SSL=true
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
RUN curl -fsSL --cacert /etc/ssl/certs/internal.pem https://downloads.example.com/a.tgz -o /a.tgz
RUN curl -K /etc/curl/defaults.conf -fsSL https://downloads.example.com/b.tgz -o /b.tgz
RUN echo "never use curl -k or --insecure" && grep -c -- --no-check-certificate /docs/*.md || true
RUN git config --global http.sslVerify true && npm config set strict-ssl true
RUN pip install --trusted-host localhost --index-url http://localhost:3141/simple app==1.0.0
RUN echo "sslverify=1" >> /etc/yum.repos.d/internal.repo
RUN cat <<EOF > /usr/share/doc/tls.txt
Bad examples: curl -k, wget --no-check-certificate, GIT_SSL_NO_VERIFY=1
EOF
RUN apk add --no-cache --allow-untrusted /tmp/local.apk
