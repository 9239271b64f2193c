# .NET 8.0 is supported until 2026-11-10; noble is Ubuntu 24.04.
FROM mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled
COPY out/ /app
ENTRYPOINT ["dotnet", "/app/App.dll"]
