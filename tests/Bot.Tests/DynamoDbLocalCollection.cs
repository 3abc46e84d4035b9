using EventBot.Testing;

namespace EventBot.Bot.Tests;

// Not run in parallel with anything: its tests (CliRunner's among them) set process environment variables and swap
// Console.Out/Error, so a host of another collection logging at the same time would land in their captured output
// (seen under ./test.sh --stress) and could read their variables.
[CollectionDefinition(DynamoDbLocalFixture.Collection, DisableParallelization = true)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;
