# syntax=docker/dockerfile:1.7
FROM debian:12.5-slim
RUN echo "deb [signed-by=/usr/share/keyrings/internal.gpg] https://apt.internal.example/debian bookworm main" \
      > /etc/apt/sources.list.d/internal.list \
 && apt-get update && apt-get install -y --no-install-recommends internal-agent=2.4.1-1
RUN echo "never pass --allow-unauthenticated or [trusted=yes]" > /etc/motd
RUN pip install --trusted-host pypi.internal.example app==1.0.0
RUN sed -i 's/^gpgcheck=0/gpgcheck=1/' /etc/yum.repos.d/legacy.repo
COPY <<EOF /etc/yum.repos.d/extra.repo
[extra]
baseurl=https://rpm.example.com/el9/
gpgcheck=1
repo_gpgcheck=0
EOF
RUN rpm --import /tmp/RPM-GPG-KEY && rpm -ivh /tmp/agent.rpm && rpm -qa --nosignature
RUN cat <<EOF > /tmp/notes.txt
apk add --allow-untrusted is not used here
EOF
