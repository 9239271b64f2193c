# expect-next: DOCKER-003
FROM node
CMD ["node"]
