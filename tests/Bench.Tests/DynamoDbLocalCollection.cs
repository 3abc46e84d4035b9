using EventBot.Testing;

namespace EventBot.Bench.Tests;

[CollectionDefinition(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;
