using System.CommandLine;
using System.Text.Json;
using Amazon.DynamoDBv2;
using EventBot.Bot.Hosting;
using EventBot.EventStore.DynamoDb;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Cli;

/// <summary><c>tables create|verify</c>: the DynamoDB tables as the code defines them.</summary>
public static class TablesVerb
{
    public static Command Create()
    {
        var tables = new Command("tables", "Create or verify the DynamoDB tables (endpoint, region and credentials from the AWS SDK's standard chain).");
        tables.Subcommands.Add(Verb("create", "Create missing tables (idempotent) and report any drift of existing ones.", (c, p, ct) => EventBotTableAdmin.CreateAsync(c, p, ct)));
        tables.Subcommands.Add(Verb("verify", "Report drift from the code's table definitions; exit 1 on any.", (c, p, ct) => EventBotTableAdmin.VerifyAsync(c, p, ct)));
        return tables;
    }

    private static Command Verb(string name, string description, Func<IAmazonDynamoDB, string, CancellationToken, Task<TableReport>> act)
    {
        var prefix = new Option<string?>("--prefix") { Description = "Table name prefix (default: EVENTBOT_TABLE_PREFIX, else eventbot-)." };
        var command = new Command(name, description) { Cli.Json, prefix };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            var options = BotHost.LoadOptions();
            var tablePrefix = result.GetValue(prefix) ?? options.TablePrefix;
            SettingsCheck.RequireRegion(BotHost.AwsRegion);
            using var client = new AmazonDynamoDBClient();
            var report = await act(client, tablePrefix, ct);
            if (result.GetValue(Cli.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    ok = report.IsOk,
                    tables = report.Tables.Select(t => new { name = t.TableName, state = t.State.ToString().ToLowerInvariant(), created = t.Created, drift = t.Drift }),
                }, EventStore.EventCodec.Json));
            }
            else
            {
                Console.WriteLine(report.ToString());
            }
            return report.IsOk ? 0 : Cli.Fail(name == "verify" ? "tables differ from the code's definitions" : "some tables differ from the code's definitions");
        }));
        return command;
    }
}
