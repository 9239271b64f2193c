FROM alpine:3.20
# The archive may use ADD, the config file may not: one finding for the instruction.
# expect-next: DOCKER-009
ADD vendor.tar.gz config.yml https://example.com/extra.bin /opt/app/
