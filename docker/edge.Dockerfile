# A cluster edge (players' WebSockets, admin API); an Orleans client of the silos.
# Build from the repository root: docker build -f docker/edge.Dockerfile -t gameserver-edge .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/GameServer.EdgeHost/GameServer.EdgeHost.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# SIGTERM (docker stop) starts a graceful shutdown; compose's stop_grace_period must exceed the host's shutdown timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "GameServer.EdgeHost.dll"]
