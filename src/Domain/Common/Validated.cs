namespace EventBot.Domain.Common;

/// <summary>A value that passed its rules, or the reason it did not. No exceptions for user input.</summary>
public readonly record struct Validated<T>
{
    private readonly T? _value;

    private Validated(T? value, string? error) => (_value, Error) = (value, error);

    public string? Error { get; }

    public bool IsValid => Error is null;

    public T Value => IsValid ? _value! : throw new InvalidOperationException(Error);

    public static Validated<T> Valid(T value) => new(value, null);

    public static Validated<T> Invalid(string error) => new(default, error);
}
