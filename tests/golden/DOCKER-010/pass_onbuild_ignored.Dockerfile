FROM node:20.11-alpine
ONBUILD RUN sudo npm ci
USER node
