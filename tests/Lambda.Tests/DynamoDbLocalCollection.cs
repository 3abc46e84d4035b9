using EventBot.Testing;

namespace EventBot.Lambda.Tests;

// xunit discovers collection definitions only in the test assembly, so each test project declares this once.
[CollectionDefinition(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;
