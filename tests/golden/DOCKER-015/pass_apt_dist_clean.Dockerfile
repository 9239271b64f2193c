FROM debian:13.1-slim
# apt >= 2.7: dist-clean removes the package lists too (Debian trixie, Ubuntu 24.04).
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends ca-certificates; \
	apt-get dist-clean
