FROM eclipse-temurin:21-jdk AS build
COPY . /src
RUN /src/gradlew -p /src --no-daemon bootJar

# Runtime libraries and tools are fine: curl, a JRE, a client library (not its -dev headers).
FROM eclipse-temurin:21-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates tini libpq5 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/libs/app.jar /app/app.jar
ENTRYPOINT ["tini", "--", "java", "-jar", "/app/app.jar"]
