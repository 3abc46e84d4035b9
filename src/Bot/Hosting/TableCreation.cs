using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.DynamoDb;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Hosting;

/// <summary>With <c>EVENTBOT_CREATE_TABLES=true</c>, creates missing tables before anything else starts.</summary>
public sealed partial class TableCreation(IAmazonDynamoDB client, IOptions<BotOptions> options, ILogger<TableCreation> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CreateTables) return;
        foreach (var table in EventBotTables.All(options.Value.TablePrefix))
        {
            try
            {
                await client.CreateTableAsync(table, cancellationToken);
                Log.Created(logger, table.TableName);
            }
            catch (ResourceInUseException)
            {
                continue;
            }
            for (var i = 0; i < 120; i++)
            {
                var status = (await client.DescribeTableAsync(table.TableName, cancellationToken)).Table.TableStatus;
                if (status == TableStatus.ACTIVE) break;
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Created DynamoDB table {Table}")]
        public static partial void Created(ILogger logger, string table);
    }
}
