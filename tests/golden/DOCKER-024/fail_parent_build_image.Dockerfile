FROM maven:3.9.6-eclipse-temurin-21 AS base
WORKDIR /app

# No RUN anywhere, but the chain starts from a build image.
# expect-next: DOCKER-024
FROM base
COPY target/app.jar /app/app.jar
CMD ["java", "-jar", "/app/app.jar"]
