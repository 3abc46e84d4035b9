using Amazon.DynamoDBv2;
using Amazon.Runtime;
using EventBot.DynamoDbStreams;
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
    readonly FakeKms _kms;

    /// <summary>The one KMS key every process of a test run sees (each process through a fake of its own, for its own recording).</summary>
    static readonly byte[] KmsRoot = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    /// <summary>The KMS key id the sessions run with (EVENTBOT_KMS_KEY_ID).</summary>
    public const string KmsKeyId = "alias/eventbot";

    /// <summary>How a recorded KMS call names its resource: the one master key (<c>aws_kms_key.eventbot</c>).</summary>
    public const string KmsResource = "kms-key";

    RecordedProcess(string name, string prefix, DynamoDbLocalFixture dynamo, DynamoDbProxy proxy, FakeKms kms)
    {
        _kms = kms;
        Kms = new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(dynamo.Credentials,
            new Amazon.KeyManagementService.AmazonKeyManagementServiceConfig { ServiceURL = kms.Url.ToString(), AuthenticationRegion = DynamoDbLocalFixture.Region });
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

    /// <summary>A KMS client whose every call is recorded as this process's.</summary>
    public Amazon.KeyManagementService.AmazonKeyManagementServiceClient Kms { get; }

    public static async Task<RecordedProcess> StartAsync(string name, string prefix, DynamoDbLocalFixture dynamo) =>
        new(name, prefix, dynamo, await DynamoDbProxy.StartAsync(dynamo.ServiceUrl), await FakeKms.StartAsync(KmsRoot));

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
        .. _kms.Calls.Select(target => new IamCall("kms:" + target[(target.IndexOf('.') + 1)..], KmsResource)),
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
        builder.Services.AddSingleton<Amazon.KeyManagementService.IAmazonKeyManagementService>(Kms);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Kms.Dispose();
        await _kms.DisposeAsync();
        await _proxy.DisposeAsync();
    }
}
