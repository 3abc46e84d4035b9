using System.Text;

namespace EventBot.Bot.Adapters.Console;

/// <summary>One line of standard input: its text, or why it has none.</summary>
public abstract record ConsoleLine
{
    private ConsoleLine() { }

    public sealed record Text(string Value) : ConsoleLine;

    public sealed record InvalidUtf8 : ConsoleLine;

    public sealed record TooLong(long Bytes) : ConsoleLine;
}

/// <summary>
/// Reads lines as bytes and decodes each strictly, so one bad line from a pipe gets its own clear answer instead of
/// turning into replacement characters inside a stored value. Lines over <see cref="MaxLineBytes"/> are drained, not
/// buffered, so a runaway input cannot exhaust memory.
/// </summary>
public sealed class ConsoleLineReader(Stream input) : IDisposable
{
    public const int MaxLineBytes = 1 << 20;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;
    private bool _firstLine = true;

    public async Task<ConsoleLine?> ReadLineAsync(CancellationToken ct)
    {
        _line.SetLength(0);
        long dropped = 0;
        while (true)
        {
            if (_start == _end)
            {
                // WaitAsync: a terminal's stdin ignores the token (the read blocks in the OS until a key is pressed), so
                // Ctrl-C would wait for the host's shutdown timeout. The abandoned read is harmless: nothing reads after it.
                _end = await input.ReadAsync(_buffer, ct).AsTask().WaitAsync(ct);
                _start = 0;
                if (_end == 0) return _line.Length == 0 && dropped == 0 ? null : Finish(dropped);
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            var count = stop - _start;
            if (_line.Length + count > MaxLineBytes) dropped += count;
            else _line.Write(_buffer, _start, count);
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0) return Finish(dropped);
        }
    }

    public void Dispose() => _line.Dispose();

    private ConsoleLine Finish(long dropped)
    {
        if (dropped > 0) return new ConsoleLine.TooLong(_line.Length + dropped);
        var bytes = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        if (_firstLine && bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..]; // a BOM from some editors
        _firstLine = false;
        if (bytes.EndsWith("\r"u8)) bytes = bytes[..^1];
        try
        {
            return new ConsoleLine.Text(Strict.GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            return new ConsoleLine.InvalidUtf8();
        }
    }
}
