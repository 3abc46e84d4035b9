# syntax=docker/dockerfile:1
# EventBot (src/Bot): `docker build -t eventbot .`; with no arguments it runs the bot, `projector` runs the
# Streams-poller projector. Used by docker-compose.yml.

# Only the project files, with their folders: the restore layer below is reused until one of them changes,
# and a new project under src/ needs no edit here.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects
WORKDIR /src
COPY src/ src/
RUN find src -type f ! -name '*.csproj' -delete

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY --from=projects /src/src/ src/
RUN dotnet restore src/Bot/Bot.csproj
COPY src/ src/
RUN dotnet publish src/Bot/Bot.csproj --no-restore -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app ./
# The runtime image's non-root user.
USER $APP_UID
ENTRYPOINT ["dotnet", "EventBot.Bot.dll"]
