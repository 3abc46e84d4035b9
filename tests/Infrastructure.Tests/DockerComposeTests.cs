using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EventBot.Infrastructure.Tests;

/// <summary>
/// docker-compose.yml and the Dockerfile, read as YAML and text: Docker cannot run here, so these prove the wiring
/// (init script mounted, healthcheck on the tables, start order, environment), not that the images start.
/// </summary>
public sealed partial class DockerComposeTests
{
    static readonly string Root = Tools.RepositoryRoot;

    static YamlMappingNode Services()
    {
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        var stream = new YamlStream();
        // MergingParser resolves the `<<: *eventbot-env` merge keys the way Compose does.
        stream.Load(new MergingParser(new Parser(reader)));
        return (YamlMappingNode)((YamlMappingNode)stream.Documents.Single().RootNode)["services"];
    }

    static YamlMappingNode Service(string name) => (YamlMappingNode)Services()[name];

    static string Scalar(YamlNode node, params string[] path)
    {
        foreach (var step in path) node = ((YamlMappingNode)node)[step];
        return ((YamlScalarNode)node).Value!;
    }

    static IReadOnlyList<string> Sequence(YamlNode node, params string[] path)
    {
        foreach (var step in path) node = ((YamlMappingNode)node)[step];
        return [.. ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value!)];
    }

    static bool Has(YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(key);

    [Fact]
    public void It_defines_localstack_bot_projector_and_interactions()
    {
        Assert.Equal(["localstack", "bot", "projector", "interactions"], Services().Children.Keys.Select(k => ((YamlScalarNode)k).Value));
    }

    [Fact]
    public void LocalStack_runs_dynamodb_and_mounts_the_init_script_folder()
    {
        var localstack = Service("localstack");

        Assert.StartsWith("localstack/localstack", Scalar(localstack, "image"));
        Assert.Equal("dynamodb", Scalar(localstack, "environment", "SERVICES"));
        var mount = Assert.Single(Sequence(localstack, "volumes"), v => v.Contains("/etc/localstack/init/ready.d", StringComparison.Ordinal));
        var parts = mount.Split(':');
        Assert.Equal("/etc/localstack/init/ready.d", parts[1]);
        Assert.True(File.Exists(Path.Combine(Root, parts[0], "10-create-tables.sh")), $"{parts[0]} does not hold 10-create-tables.sh");
    }

    [Fact]
    public void LocalStack_is_healthy_only_when_both_tables_exist()
    {
        var health = Service("localstack")["healthcheck"];
        var test = Sequence(health, "test");

        Assert.Equal("CMD-SHELL", test[0]);
        var command = test[1];
        Assert.Contains("awslocal dynamodb describe-table --table-name \"$${EVENTBOT_TABLE_PREFIX}events\"", command);
        Assert.Contains("awslocal dynamodb describe-table --table-name \"$${EVENTBOT_TABLE_PREFIX}views\"", command);
        // Both must pass: joined with &&, never ; or ||.
        Assert.Matches(@"events""\s*>/dev/null\s*&&\s*awslocal", command);
        Assert.True(int.Parse(Scalar(health, "retries"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        // The container's shell expands the prefix ($$ escapes Compose's own interpolation), so LocalStack must have it.
        Assert.Equal("${EVENTBOT_TABLE_PREFIX:-eventbot-}", Scalar(Service("localstack"), "environment", "EVENTBOT_TABLE_PREFIX"));
    }

    [Theory]
    [InlineData("bot")]
    [InlineData("projector")]
    [InlineData("interactions")]
    public void Bot_and_projector_start_after_localstack_is_healthy_and_talk_to_it(string name)
    {
        var service = Service(name);

        Assert.Equal("service_healthy", Scalar(service, "depends_on", "localstack", "condition"));
        Assert.Equal(".", Scalar(service, "build"));
        Assert.Equal(Scalar(Service("bot"), "image"), Scalar(service, "image"));
        var environment = (YamlMappingNode)service["environment"];
        Assert.Equal("dynamodb", Scalar(environment, "EVENTBOT_STORE"));
        Assert.Equal("http://localstack:4566", Scalar(environment, "AWS_ENDPOINT_URL"));
        Assert.False(string.IsNullOrEmpty(Scalar(environment, "AWS_ACCESS_KEY_ID")));
        Assert.False(string.IsNullOrEmpty(Scalar(environment, "AWS_SECRET_ACCESS_KEY")));
        Assert.Equal("us-east-1", Scalar(environment, "AWS_REGION"));
    }

    [Fact]
    public void The_bot_leaves_projection_to_the_projector_and_passes_the_discord_token_through()
    {
        var bot = Service("bot");

        Assert.Equal("off", Scalar(bot, "environment", "EVENTBOT_PROJECTOR"));
        Assert.Equal("${DISCORD_TOKEN:-}", Scalar(bot, "environment", "DISCORD_TOKEN"));
        Assert.False(Has(bot, "command"));
        Assert.Equal(["projector"], Sequence(Service("projector"), "command"));
    }

    [Fact]
    public void The_interactions_service_serves_http_on_8080_with_the_public_key_and_no_projector()
    {
        var interactions = Service("interactions");

        Assert.Equal(["serve"], Sequence(interactions, "command"));
        Assert.Equal("off", Scalar(interactions, "environment", "EVENTBOT_PROJECTOR"));
        Assert.Equal("${DISCORD_PUBLIC_KEY:-}", Scalar(interactions, "environment", "DISCORD_PUBLIC_KEY"));
        Assert.Equal("8080", Scalar(interactions, "environment", "EVENTBOT_HTTP_PORT"));
        Assert.Equal(["127.0.0.1:8080:8080"], Sequence(interactions, "ports"));
        Assert.True(Has(interactions, "healthcheck"));
    }

    [Fact]
    public void The_Dockerfile_builds_on_the_sdk_and_runs_the_bot_on_the_runtime_image()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile"));
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(
        [
            "FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects",
            "FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build",
            "FROM mcr.microsoft.com/dotnet/aspnet:10.0",
        ], stages);
        // For the build machine's runtime, so the publish compiles ReadyToRun (issue 19: start-up).
        Assert.Contains("RUN dotnet restore src/Bot/Bot.csproj --use-current-runtime", lines);
        Assert.Contains("RUN dotnet publish src/Bot/Bot.csproj --no-restore -c Release --use-current-runtime --self-contained false -o /app", lines);
        Assert.Equal("ENTRYPOINT [\"dotnet\", \"EventBot.Bot.dll\"]", lines.Last(l => l.Length > 0));
    }

    [Fact]
    public void The_image_listens_for_health_checks_and_checks_healthz()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile"));
        var text = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

        Assert.Contains("ENV EVENTBOT_HTTP_PORT=8080", lines);
        Assert.Contains("EXPOSE 8080", lines);
        var healthcheck = text[text.IndexOf("HEALTHCHECK", StringComparison.Ordinal)..];
        Assert.Contains("/dev/tcp/127.0.0.1/${EVENTBOT_HTTP_PORT:-8080}", healthcheck);
        Assert.Contains("GET /healthz HTTP/1.1", healthcheck);
        Assert.Contains("grep -q ' 200 '", healthcheck);
    }

    [Theory]
    [InlineData("bot")]
    [InlineData("projector")]
    public void Bot_and_projector_are_healthy_when_healthz_answers(string name)
    {
        var service = Service(name);
        var test = Sequence(service["healthcheck"], "test");

        Assert.Equal(["CMD", "bash", "-c"], test.Take(3));
        Assert.Contains("/dev/tcp/127.0.0.1/$${EVENTBOT_HTTP_PORT}", test[3]);
        Assert.Contains("GET /healthz HTTP/1.1", test[3]);
        Assert.Equal("8080", Scalar(service, "environment", "EVENTBOT_HTTP_PORT"));
        Assert.True(int.Parse(Scalar(service["healthcheck"], "retries"), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void The_Dockerfile_copies_every_project_the_bot_needs_before_restoring()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile")).ToList();
        var restore = lines.IndexOf("RUN dotnet restore src/Bot/Bot.csproj --use-current-runtime");
        var beforeRestore = lines.Take(restore).ToList();

        // The build context copied is src/ (as project files only, then whole): so the bot and everything it
        // references, transitively, must live under src/, as must the shared build files at the root.
        Assert.Contains("COPY src/ src/", beforeRestore);
        Assert.Contains("COPY --from=projects /src/src/ src/", beforeRestore);
        Assert.Contains("COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./", beforeRestore);
        foreach (var project in ProjectsOfTheBot())
        {
            Assert.StartsWith("src/", project);
        }
        Assert.DoesNotContain("src/", File.ReadAllText(Path.Combine(Root, ".dockerignore")));
    }

    /// <summary>src/Bot/Bot.csproj and every project it references, transitively, relative to the repository root.</summary>
    static HashSet<string> ProjectsOfTheBot()
    {
        var pending = new Queue<string>(["src/Bot/Bot.csproj"]);
        var found = new HashSet<string>();
        while (pending.TryDequeue(out var project))
        {
            if (!found.Add(project)) continue;
            var path = Path.Combine(Root, project);
            Assert.True(File.Exists(path), $"{project} is referenced but missing");
            foreach (Match reference in ProjectReference().Matches(File.ReadAllText(path)))
            {
                var full = Path.GetFullPath(Path.Combine(Root, Path.GetDirectoryName(project)!, reference.Groups[1].Value.Replace('\\', '/')));
                pending.Enqueue(Path.GetRelativePath(Root, full).Replace('\\', '/'));
            }
        }
        Assert.True(found.Count > 1, "the bot references no project: the reference pattern no longer matches Bot.csproj");
        return found;
    }

    [GeneratedRegex(@"<ProjectReference Include=""([^""]+)""")]
    private static partial Regex ProjectReference();
}
