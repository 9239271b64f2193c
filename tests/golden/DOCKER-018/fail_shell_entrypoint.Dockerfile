FROM eclipse-temurin:21-jre
COPY app.jar /app/app.jar
# Docker ignores CMD next to a shell-form ENTRYPOINT; the ENTRYPOINT is the finding.
# expect-next: DOCKER-018
ENTRYPOINT java -jar /app/app.jar
CMD ["--server.port=8080"]
