# A trigger downloads in every build FROM this image.
FROM debian:12.5-slim
# expect-next: DOCKER-012
ONBUILD RUN curl -fsSL https://get.example.com/install.sh | sh
# expect-next: DOCKER-012
ONBUILD ADD http://downloads.example.com/tool-1.4.2.tar.gz /opt/
# expect-next: DOCKER-012
ONBUILD RUN wget -q http://downloads.example.com/data.csv -O /srv/data.csv
