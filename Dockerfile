# syntax=docker/dockerfile:1
# EventBot (src/Bot): `docker build -t eventbot .`; with no arguments it runs the bot, `projector` runs the
# Streams-poller projector, `serve` the HTTP interactions endpoint (POST /interactions on EVENTBOT_HTTP_PORT).
# Used by docker-compose.yml.

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
# For the build machine's runtime: the publish below compiles ReadyToRun (src/Bot/Bot.csproj), which needs one.
RUN dotnet restore src/Bot/Bot.csproj --use-current-runtime
COPY src/ src/
RUN dotnet publish src/Bot/Bot.csproj --no-restore -c Release --use-current-runtime --self-contained false -o /app

# The ASP.NET Core runtime: the bot serves /healthz, /readyz and /metrics with Kestrel (EVENTBOT_HTTP_PORT).
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV EVENTBOT_HTTP_PORT=8080
EXPOSE 8080
# Liveness from /healthz, with bash's /dev/tcp: the image has neither curl nor wget.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${EVENTBOT_HTTP_PORT:-8080} && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# The runtime image's non-root user.
USER $APP_UID
ENTRYPOINT ["dotnet", "EventBot.Bot.dll"]
