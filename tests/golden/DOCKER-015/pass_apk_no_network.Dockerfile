FROM alpine:3.22
RUN apk add --no-cache --virtual .build-deps gcc musl-dev \
 && make -C /src install \
 && runDeps="$(scanelf --needed --nobanner --format '%n#p' --recursive /usr/local | tr ',' '\n' | sort -u)" \
 && apk add --no-network --virtual .rundeps $runDeps \
 && apk del --no-network .build-deps
