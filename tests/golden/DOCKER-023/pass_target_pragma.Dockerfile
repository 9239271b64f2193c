# devops-policy: target= app
FROM eclipse-temurin:21-jre-noble AS app
COPY app.jar /app.jar
ENTRYPOINT ["java", "-jar", "/app.jar"]

# A debug image on an old JDK is never shipped.
FROM openjdk:11-jdk-slim AS debug
COPY app.jar /app.jar
