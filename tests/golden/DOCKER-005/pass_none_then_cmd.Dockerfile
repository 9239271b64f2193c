FROM example/base:1.0 AS base
HEALTHCHECK NONE

FROM base
HEALTHCHECK CMD ["/app", "health"]
