FROM eclipse-temurin:21-jre
COPY app.jar /app/app.jar
ENTRYPOINT exec java $JAVA_OPTS -jar /app/app.jar
