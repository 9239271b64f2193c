FROM registry.example.com/platform/java:21-nonroot
COPY app.jar /app.jar
ENTRYPOINT ["java", "-jar", "/app.jar"]
