namespace EventBot.EventStore;

/// <summary>A validated stream id (<c>category/guild/id</c>, see <see cref="Domain.Common.StreamIds"/>).</summary>
public readonly record struct StreamName
{
    // DynamoDB allows 2,048 bytes in a partition key; leave room for the encoded key of 64 emoji.
    public const int MaxLength = 1024;

    public StreamName(string value)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException("A stream name cannot be empty.", nameof(value));
        if (value.Length > MaxLength) throw new ArgumentException($"A stream name is at most {MaxLength} characters.", nameof(value));
        Value = value;
    }

    public string Value { get; }

    public string Category => Domain.Common.StreamIds.Category(Value);

    public override string ToString() => Value;

    public static implicit operator string(StreamName name) => name.Value;
}
