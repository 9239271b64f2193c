# The end-of-life default is overridden by the build arg the pipeline passes.
ARG DEBIAN_RELEASE=buster
FROM debian:${DEBIAN_RELEASE}-slim
CMD ["bash"]
