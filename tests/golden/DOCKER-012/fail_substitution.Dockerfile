FROM debian:12.5-slim
# expect-next: DOCKER-012
RUN sh -c "$(curl -fsSL https://raw.example.com/install.sh)"
# expect-next: DOCKER-012
RUN bash <(curl -fsSL https://get.example.com/setup.sh) --unattended
# expect-next: DOCKER-012
RUN eval "$(wget -qO- https://get.example.com/env.sh)"
# expect-next: DOCKER-012
RUN . <(curl -s https://get.example.com/profile)
