FROM debian:12.5-slim
# expect-next: DOCKER-012
RUN curl -fsSL -o /tmp/get-tool.sh https://get.example.com/tool.sh && sh /tmp/get-tool.sh
# expect-next: DOCKER-012
RUN cd /tmp && wget -q https://get.example.com/installer.sh && chmod +x installer.sh && ./installer.sh
