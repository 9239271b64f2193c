FROM eclipse-temurin:21-jdk
WORKDIR /app
COPY . .
# expect-next: DOCKER-002
RUN ./gradlew --no-daemon bootJar
RUN ./mvnw -B -DskipTests package && dotnet publish -c Release -o /out
