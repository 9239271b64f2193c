FROM debian:12
ADD rootfs.tar /
ADD vendor.tar.gz vendor.tgz /opt/vendor/
ADD assets.tar.bz2 assets.tar.xz assets.txz /srv/assets/
ADD ["dist/app.tar.zst", "/opt/app/"]
ADD --chown=10001:10001 releases/*.tar.gz /opt/releases/
ARG VERSION=1.4.0
ADD tool-${VERSION}.TGZ /opt/tool/
