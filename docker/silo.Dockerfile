# A cluster silo (room grains); joins the cluster through Redis.
# Build from the repository root: docker build -f docker/silo.Dockerfile -t gameserver-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/GameServer.Silo/GameServer.Silo.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# SIGTERM (docker stop) starts a graceful shutdown; compose's stop_grace_period must exceed the host's shutdown timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "GameServer.Silo.dll"]
