FROM debian:12 AS build
# One finding for the instruction.
# expect-next: DOCKER-021
RUN --network=host --security=insecure \
    ./build.sh --privileged-tests

FROM debian:12
COPY --from=build /out /out
