FROM debian:12.5-slim
ARG BASE_URL=https://downloads.example.com
ENV TOOL_URL=${BASE_URL}/tool-1.4.2.tgz
RUN curl -fsSL -o /tmp/tool.tgz "$TOOL_URL"
# A shell variable of the script: its value is not judged on its scheme.
RUN url="$(cat /etc/tool-url)" && curl -fsSL -o /tmp/t.tgz "$url"
