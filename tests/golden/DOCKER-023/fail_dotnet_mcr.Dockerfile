FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish -c Release -o /out

# Only the shipped runtime counts, and .NET 6.0 ended on 2024-11-12.
# expect-next: DOCKER-023
FROM mcr.microsoft.com/dotnet/aspnet:6.0
COPY --from=build /out /app
ENTRYPOINT ["dotnet", "/app/App.dll"]
