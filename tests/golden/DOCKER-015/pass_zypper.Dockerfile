FROM opensuse/leap:15.5
RUN zypper -n install curl && zypper clean --all
RUN zypper refresh && zypper install --no-confirm git && zypper cc
