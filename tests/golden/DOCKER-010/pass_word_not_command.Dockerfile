# "sudo" as data, arguments, comments and file content is not a sudo invocation.
FROM debian:12.5-slim
RUN echo "no sudo needed here" && grep -c sudo /etc/group || true
# RUN sudo apt-get update
RUN cat <<EOF > /etc/motd
Use sudo? Not in this image.
EOF
RUN python3 <<EOF
import subprocess
print("sudo" in "pseudo")
EOF
RUN <<EOF
#!/usr/bin/env python3
print("sudo make me a sandwich")
EOF
RUN useradd -u 10001 -c "no sudo user" app && apt-get purge -y --auto-remove sudo-ldap-docs || true
USER 10001
