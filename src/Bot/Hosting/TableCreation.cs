using Amazon.DynamoDBv2;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Hosting;

/// <summary>With <c>EVENTBOT_CREATE_TABLES=true</c>, creates missing tables before anything else starts.</summary>
public sealed partial class TableCreation(IAmazonDynamoDB client, IOptions<BotOptions> options, TransientRetry retry, ILogger<TableCreation> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CreateTables) return;
        var report = await EventBotTableAdmin.CreateAsync(client, options.Value.TablePrefix, cancellationToken, retry);
        foreach (var table in report.Tables)
        {
            if (table.Created) Log.Created(logger, table.TableName);
            if (table.State == TableState.Drifted) Log.Drift(logger, table.TableName, string.Join("; ", table.Drift));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Created DynamoDB table {Table}")]
        public static partial void Created(ILogger logger, string table);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "DynamoDB table {Table} differs from the code's definition: {Drift}")]
        public static partial void Drift(ILogger logger, string table, string drift);
    }
}
