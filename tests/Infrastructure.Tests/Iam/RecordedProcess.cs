using Amazon.DynamoDBv2;
using Amazon.Runtime;
using EventBot.EventStore.DynamoDb;
using EventBot.Projections.Feeds.Streams;
using EventBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventBot.Infrastructure.Tests.Iam;

/// <summary>
/// One process under recording: its own <see cref="DynamoDbProxy"/> in front of DynamoDB Local and an
/// <see cref="IamRecorder"/> on it. The process is pointed at the proxy the way the bot is pointed at any endpoint
/// (the SDK client's ServiceURL, the Streams client's ServiceUrl); nothing else about it changes.
/// </summary>
public sealed class RecordedProcess : IAsyncDisposable
{
    readonly DynamoDbLocalFixture _dynamo;
    readonly DynamoDbProxy _proxy;
    readonly IamRecorder _recorder;

    RecordedProcess(string name, string prefix, DynamoDbLocalFixture dynamo, DynamoDbProxy proxy)
    {
        Name = name;
        Prefix = prefix;
        _dynamo = dynamo;
        _proxy = proxy;
        var partitionKeys = EventBotTables.All(prefix).ToDictionary(
            t => t.TableName, t => t.KeySchema.Single(k => k.KeyType == KeyType.HASH).AttributeName, StringComparer.Ordinal);
        _recorder = new IamRecorder(proxy, table => partitionKeys.GetValueOrDefault(table));
        Client = new AmazonDynamoDBClient(dynamo.Credentials,
            new AmazonDynamoDBConfig { ServiceURL = proxy.Url.ToString(), AuthenticationRegion = DynamoDbLocalFixture.Region });
    }

    public string Name { get; }

    /// <summary>The table prefix of the session; resources are recorded relative to it.</summary>
    public string Prefix { get; }

    /// <summary>A DynamoDB client whose every call is recorded as this process's.</summary>
    public AmazonDynamoDBClient Client { get; }

    public static async Task<RecordedProcess> StartAsync(string name, string prefix, DynamoDbLocalFixture dynamo) =>
        new(name, prefix, dynamo, await DynamoDbProxy.StartAsync(dynamo.ServiceUrl));

    /// <summary>
    /// What the process asked IAM for, tables named without the session's prefix (<c>table/events</c>,
    /// <c>table/events/index/by_guild</c>, <c>table/events/stream</c>); a table outside the prefix keeps its full
    /// name, so no Terraform resource matches it.
    /// </summary>
    public IReadOnlyList<IamCall> Calls =>
    [
        .. _recorder.Calls.Select(c => c.Resource.StartsWith("table/" + Prefix, StringComparison.Ordinal)
            ? c with { Resource = "table/" + c.Resource["table/".Length..][Prefix.Length..] }
            : c),
    ];

    /// <summary>Points a bot host (any verb's) at the proxy: DynamoDB client, Streams client, credentials, region.</summary>
    public HostApplicationBuilder Configure(HostApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StreamsPollerServiceCollectionExtensions.ClientSection}:{nameof(DynamoDbStreamsClientOptions.ServiceUrl)}"] = _proxy.Url.ToString(),
            [$"{StreamsPollerServiceCollectionExtensions.ClientSection}:{nameof(DynamoDbStreamsClientOptions.Region)}"] = DynamoDbLocalFixture.Region,
        });
        builder.Services.AddSingleton<AWSCredentials>(_dynamo.Credentials);
        builder.Services.AddSingleton<IAmazonDynamoDB>(Client);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _proxy.DisposeAsync();
    }
}
