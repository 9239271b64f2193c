# A sudo that comes with the base image is invisible; the rule that opens it is not.
FROM registry.example.com/base/dev-tools:2024.05
# expect-next: DOCKER-010
RUN useradd -u 10001 app && echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app
# expect-next: DOCKER-010
COPY --chmod=0440 deploy/sudoers /etc/sudoers.d/deploy
USER app
