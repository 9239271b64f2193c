# syntax=docker/dockerfile:1.7
FROM debian:12.5-slim
RUN test -f /etc/os-release || echo "a | b" > /tmp/note
RUN grep -E 'ID=(debian|ubuntu)' /etc/os-release || true
RUN cat <<EOF > /usr/local/bin/report
#!/bin/sh
ls /opt | wc -l
EOF
RUN python3 <<EOF
print("a | b")
EOF
RUN ["/bin/echo", "ls | wc -l"]
RUN case "$(uname -m)" in x86_64|amd64) echo amd64 ;; aarch64|arm64) echo arm64 ;; esac
