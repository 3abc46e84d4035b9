using System.Buffers;
using System.Text;

namespace EventBot.Domain.Common;

/// <summary>Whether text is well-formed UTF-16: a lone surrogate cannot be normalised, stored as UTF-8, or shown.</summary>
public static class Utf16
{
    public static bool IsWellFormed(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != OperationStatus.Done) return false;
            rest = rest[used..];
        }
        return true;
    }
}
