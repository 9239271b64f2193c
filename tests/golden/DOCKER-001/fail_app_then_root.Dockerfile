FROM debian:12-slim
USER app
RUN echo building
# expect-next: DOCKER-001
USER root
CMD ["bash"]
