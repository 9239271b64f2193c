FROM opensuse/leap:15.6
# expect-next: DOCKER-013
RUN zypper --no-gpg-checks --non-interactive install tool
# expect-next: DOCKER-013
RUN zypper addrepo -G https://rpm.example.com/leap/ example
# expect-next: DOCKER-013
RUN rpm -ivh --nosignature /tmp/agent-2.4.1.x86_64.rpm
# expect-next: DOCKER-013
RUN rpm --upgrade --nodigest /tmp/tool.rpm && rpm -U --nofiledigest /tmp/b.rpm
# expect-next: DOCKER-013
RUN tdnf install -y --nogpgcheck tool
