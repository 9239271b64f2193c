FROM alpine:3.20
# A tag can be moved to other code.
# expect-next: DOCKER-009
ADD https://github.com/acme/plugins.git#v1.2.0 /src/plugins
# No ref at all: the default branch.
# expect-next: DOCKER-009
ADD git@github.com:acme/plugins.git /src/plugins
# expect-next: DOCKER-009
ADD --keep-git-dir=true https://github.com/acme/plugins.git#main:pkg /src/pkg
# A short commit id is not a pin.
# expect-next: DOCKER-009
ADD https://github.com/acme/plugins.git?ref=1f0c5b7 /src/plugins
# Unencrypted git transports fail even when pinned.
# expect-next: DOCKER-009
ADD git://git.example.com/acme/plugins.git#1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091 /src/a
# expect-next: DOCKER-009
ADD http://git.example.com/acme/plugins.git#1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091 /src/b
# Without ".git" BuildKit downloads the URL over HTTP: --keep-git-dir does not make it git.
# expect-next: DOCKER-009
ADD --keep-git-dir=true https://github.com/acme/plugins#1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091 /src/c
