using Amazon.DynamoDBv2;
using Amazon.Runtime;
using EventBot.DevTools;
using Xunit;

namespace EventBot.Testing;

/// <summary>
/// A real DynamoDB Local (AWS's jar, with Streams) for integration tests, shared by a test collection.
/// </summary>
/// <remarks>
/// <para>Uses <c>EVENTBOT_TEST_DYNAMODB_URL</c> when it is set (e.g. after
/// <c>eval "$(scripts/dynamodb-local.sh start)"</c>); otherwise starts the jar installed by
/// <c>scripts/dynamodb-local.sh install</c> (under tools/dynamodb-local/node_modules) on a free port, with
/// <c>-inMemory -sharedDb</c>, and stops it on dispose. Both through <see cref="DynamoDbLocalProcess"/>
/// (src/DevTools), which the <c>bench</c> verb uses too. If neither works the fixture throws: the tests fail,
/// they are never skipped.</para>
/// <para>xunit only discovers collection definitions in the test assembly itself, so each test project declares
/// <c>[CollectionDefinition(DynamoDbLocalFixture.Collection)] public sealed class DynamoDbLocalCollection :
/// ICollectionFixture&lt;DynamoDbLocalFixture&gt;;</c> and marks its classes <c>[Collection(DynamoDbLocalFixture.Collection)]</c>.</para>
/// </remarks>
public sealed class DynamoDbLocalFixture : IAsyncLifetime, IDisposable
{
    public const string Collection = "DynamoDB Local";
    public const string UrlVariable = DynamoDbLocalProcess.UrlVariable;
    public const string Region = "us-east-1";

    DynamoDbLocalProcess? _local;
    AmazonDynamoDBClient? _client;

    /// <summary>The endpoint, e.g. <c>http://127.0.0.1:8000</c>.</summary>
    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>Dummy credentials; DynamoDB Local checks the signature's shape, not the key.</summary>
    public AWSCredentials Credentials { get; } = new BasicAWSCredentials("test", "test");

    /// <summary>A client for the fixture's endpoint. Owned by the fixture: do not dispose.</summary>
    public AmazonDynamoDBClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>Whether this fixture started the process (false when <c>EVENTBOT_TEST_DYNAMODB_URL</c> was used).</summary>
    public bool StartedLocally => _local?.StartedLocally ?? false;

    /// <summary>A new client for the endpoint (the caller disposes it).</summary>
    public AmazonDynamoDBClient CreateClient() =>
        new(Credentials, new AmazonDynamoDBConfig { ServiceURL = ServiceUrl.ToString(), AuthenticationRegion = Region });

    /// <summary>A table name no other test uses: <c>{prefix}-{32 hex}</c>.</summary>
    public static string UniqueTableName(string prefix = "test") => $"{prefix}-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        _local = await DynamoDbLocalProcess.StartAsync(url: null, otherwise: $"set {UrlVariable} to a running instance", CancellationToken.None);
        ServiceUrl = _local.Url;
        _client = CreateClient();
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
        _local?.Dispose();
        _local = null;
    }

    /// <summary>Walks up from the test binaries to the folder holding EventBot.sln.</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EventBot.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"EventBot.sln not found above {AppContext.BaseDirectory}.");
    }
}
