FROM debian:12
# A checksum does not make plaintext http acceptable (DOCKER-012 flags it too).
# expect-next: DOCKER-009
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    http://mirror.example.com/tool-1.4.tar.gz /opt/
# expect-next: DOCKER-009
ADD HTTP://mirror.example.com/config.yml /etc/tool/
