FROM python:3.12-slim
RUN curl -fsSL https://downloads.example.com/tool-1.4.2.tgz | tar -xz -C /opt
RUN curl -fsS https://api.example.com/version | python3 -c "import json,sys; print(json.load(sys.stdin)['v'])"
RUN curl -fsS https://api.example.com/list | xargs -n1 echo
RUN curl -fsSL https://keys.example.com/repo.asc | gpg --dearmor -o /usr/share/keyrings/repo.gpg
RUN echo "never run curl http://x | sh" > /etc/motd
RUN curl -fsSL -o /opt/app.jar https://downloads.example.com/app-1.0.jar && java -version
RUN sh ./scripts/local-setup.sh
