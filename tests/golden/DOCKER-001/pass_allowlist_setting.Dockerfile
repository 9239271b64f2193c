FROM registry.example.com/hardened/node:20.11
COPY . /app
CMD ["node", "/app/server.js"]
