# The .NET images set ENV APP_UID in the base image; the Dockerfile alone cannot tell.
# expect-unknown: DOCKER-001
FROM mcr.microsoft.com/dotnet/aspnet:8.0
COPY app /app
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/app.dll"]
