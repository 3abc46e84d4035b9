using EventBot.Testing;

namespace EventBot.Bot.Tests;

[CollectionDefinition(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;
