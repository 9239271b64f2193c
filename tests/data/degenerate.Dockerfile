# Shapes that parse but hold nothing (empty exec-form arrays, empty strings, instructions
# without arguments, bare program names): every DOCKER policy must judge each stage of
# this file, as the shipped stage or as a builder, without an exception.
ARG EMPTY=
ARG UNSET

FROM node:20 AS empty-arrays
RUN []
SHELL []
RUN echo piped | cat
HEALTHCHECK CMD []
VOLUME []
COPY [".", "/app"]
ENTRYPOINT []
CMD []

FROM empty-arrays AS empty-strings
RUN [""]
RUN ["", ""]
RUN ""
RUN ''
SHELL [""]
RUN echo piped | cat
HEALTHCHECK CMD [""]
EXPOSE ""
USER ""
WORKDIR ""
STOPSIGNAL ""
ENV EMPTY_ENV="" OTHER=
LABEL empty=""
ENTRYPOINT [""]
CMD ["", "x"]

FROM node:20 AS no-arguments
RUN \
  \
  true
HEALTHCHECK CMD ""
ENTRYPOINT
CMD

FROM node:20 AS variables
RUN $EMPTY
RUN ["$UNSET"]
COPY ${UNSET} ${UNSET}
ADD $EMPTY /x
WORKDIR $UNSET
USER $UNSET
EXPOSE $UNSET
CMD $UNSET

FROM node:20 AS bare-programs
RUN ["sudo"]
RUN ["sudo", "-u"]
RUN ["sh", "-c"]
RUN ["sh", "-c", ""]
RUN ["bash", "-c", ""]
RUN ["apt-get"]
RUN ["apt-get", "install"]
RUN ["apk", "add"]
RUN ["pip"]
RUN ["npm"]
RUN ["env"]
RUN ["xargs"]
RUN ["timeout"]
RUN ["nice"]
RUN ["curl"]
RUN ["wget"]
RUN ["git"]
RUN ["", "x"]
RUN A=1
RUN > /tmp/empty
RUN | cat
RUN <<EOF
EOF
RUN bash <<EOF
EOF
COPY <<EOF /etc/empty
EOF
ENTRYPOINT ["tini"]
CMD ["service"]

FROM node:20 AS init-only
ENTRYPOINT ["dumb-init"]
CMD ["/etc/init.d/ssh"]

FROM node:20 AS service-managers
ENTRYPOINT ["systemctl"]
CMD ["rc-service"]

FROM node:20 AS triggers
ONBUILD RUN []
ONBUILD RUN [""]
ONBUILD RUN ""
ONBUILD CMD []
ONBUILD ENTRYPOINT []
ONBUILD SHELL []
ONBUILD HEALTHCHECK CMD []
ONBUILD COPY [".", "/app"]
ONBUILD ADD ["", "/x"]
ONBUILD WORKDIR ""
ONBUILD USER ""
ONBUILD ENV EMPTY_ENV=""
ONBUILD RUN echo piped | cat
ONBUILD RUN <<EOF
EOF

FROM triggers AS child-of-triggers
CMD []

FROM scratch
ENTRYPOINT []
CMD []
