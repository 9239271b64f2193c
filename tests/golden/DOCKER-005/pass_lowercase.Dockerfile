from alpine:3.20
healthcheck --interval=10s cmd wget -q -O /dev/null http://localhost:8080/ || exit 1
