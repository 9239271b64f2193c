FROM alpine:3.20 AS assets
COPY web /web

# A build image ships its compiler even without a RUN.
# expect-next: DOCKER-024
FROM mcr.microsoft.com/dotnet/sdk:8.0
COPY --from=assets /web /app/wwwroot
COPY out/ /app/
ENTRYPOINT ["dotnet", "/app/App.dll"]
