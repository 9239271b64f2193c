FROM alpine:3.20
# 0100 is uid 100, not root: only an all-zero uid is root.
USER 0100:0
CMD ["sleep", "infinity"]
