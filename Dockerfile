# syntax=docker/dockerfile:1
# EventBot (src/Bot): `docker build -t eventbot .`; with no arguments it runs the bot, `projector` runs the
# Streams-poller projector. Used by docker-compose.yml.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so source edits reuse the restore layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Domain/Domain.csproj src/Domain/
COPY src/EventStore/EventStore.csproj src/EventStore/
COPY src/Projections/Projections.csproj src/Projections/
COPY src/Bot/Bot.csproj src/Bot/
RUN dotnet restore src/Bot/Bot.csproj
COPY src/ src/
RUN dotnet publish src/Bot/Bot.csproj --no-restore -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app ./
# The runtime image's non-root user.
USER $APP_UID
ENTRYPOINT ["dotnet", "EventBot.Bot.dll"]
