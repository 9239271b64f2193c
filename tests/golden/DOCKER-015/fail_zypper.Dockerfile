FROM opensuse/leap:15.5
# expect-next: DOCKER-015
RUN zypper install curl && zypper clean --all
# expect-next: DOCKER-015
RUN zypper -n install git
