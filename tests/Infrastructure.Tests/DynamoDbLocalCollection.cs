using EventBot.Testing;

namespace EventBot.Infrastructure.Tests;

[CollectionDefinition(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;
