using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace EventBot.EventStore.DynamoDb;

/// <summary>
/// The DynamoDB table definitions, written once. <c>tables create</c>, <c>tables verify</c>, the LocalStack init
/// script and Terraform must all agree with these; tests prove it.
/// </summary>
public static class EventBotTables
{
    public const string DefaultPrefix = "eventbot-";

    // Events table: one item per event, partition = stream, sort = version; Streams carry every new item.
    public const string EventsSuffix = "events";
    public const string StreamId = "stream_id";
    public const string Version = "version";
    public const string GuildIndex = "by_guild";
    public const string GuildCategory = "guild_category";
    public const string RecordedAt = "recorded_at";

    // Views table: single-table design for every read model, checkpoints, dead letters and generation pointers.
    public const string ViewsSuffix = "views";
    public const string Pk = "pk";
    public const string Sk = "sk";

    // Keys table: wrapped data keys of docs/privacy.md, one item per key and per lookup; no Streams (a destroyed key
    // must not live on in a stream record).
    public const string KeysSuffix = "keys";
    public const string KeyId = "id";

    // Erasures find a user's keys (forget-me) and a guild's keys (purge) by these sparse indexes, with a Query: the
    // bot's role may not Scan. Only key items carry the attributes (lookup items do not), and only when non-empty.
    public const string KeyOwnerIndex = "by_owner";
    public const string KeyOwner = "owner";
    public const string KeyGuildIndex = "by_guild";
    public const string KeyGuild = "guild_id";

    public static string EventsTableName(string prefix) => prefix + EventsSuffix;

    public static string KeysTableName(string prefix) => prefix + KeysSuffix;

    public static string ViewsTableName(string prefix) => prefix + ViewsSuffix;

    public static CreateTableRequest Events(string prefix) => new()
    {
        TableName = EventsTableName(prefix),
        BillingMode = BillingMode.PAY_PER_REQUEST,
        KeySchema = [new(StreamId, KeyType.HASH), new(Version, KeyType.RANGE)],
        AttributeDefinitions =
        [
            new(StreamId, ScalarAttributeType.S),
            new(Version, ScalarAttributeType.N),
            new(GuildCategory, ScalarAttributeType.S),
            new(RecordedAt, ScalarAttributeType.S),
        ],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = GuildIndex,
                KeySchema = [new(GuildCategory, KeyType.HASH), new(RecordedAt, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
        ],
        StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_IMAGE },
    };

    public static CreateTableRequest Views(string prefix) => new()
    {
        TableName = ViewsTableName(prefix),
        BillingMode = BillingMode.PAY_PER_REQUEST,
        KeySchema = [new(Pk, KeyType.HASH), new(Sk, KeyType.RANGE)],
        AttributeDefinitions = [new(Pk, ScalarAttributeType.S), new(Sk, ScalarAttributeType.S)],
    };

    public static CreateTableRequest Keys(string prefix) => new()
    {
        TableName = KeysTableName(prefix),
        BillingMode = BillingMode.PAY_PER_REQUEST,
        KeySchema = [new(KeyId, KeyType.HASH)],
        AttributeDefinitions = [new(KeyId, ScalarAttributeType.S), new(KeyOwner, ScalarAttributeType.S), new(KeyGuild, ScalarAttributeType.S)],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = KeyOwnerIndex,
                KeySchema = [new(KeyOwner, KeyType.HASH)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
            new GlobalSecondaryIndex
            {
                IndexName = KeyGuildIndex,
                KeySchema = [new(KeyGuild, KeyType.HASH)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
        ],
    };

    public static IReadOnlyList<CreateTableRequest> All(string prefix) => [Events(prefix), Keys(prefix), Views(prefix)];
}
