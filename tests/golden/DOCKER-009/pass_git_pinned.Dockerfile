FROM alpine:3.20
ADD https://github.com/acme/plugins.git#1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091 /src/a
ADD https://github.com/acme/plugins.git#1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091:pkg/x /src/b
ADD git@github.com:acme/plugins.git#1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091 /src/c
# A tag with a checksum: BuildKit verifies that the tag points at that commit.
ADD --checksum=1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091 https://github.com/acme/plugins.git#v1.2.0 /src/d
ADD --keep-git-dir=true ssh://git@github.com/acme/plugins.git?tag=v1.2.0&checksum=1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091 /src/e
ADD https://github.com/acme/plugins.git?ref=1f0c5b7e2d8a9c3b4e6f70812a3b4c5d6e7f8091&subdir=pkg /src/f
