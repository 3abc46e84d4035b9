using EventBot.Discord.Rest;

namespace EventBot.Discord.Tests;

public sealed class MessageSplitterTests
{
    [Fact]
    public void ShortContent_IsOneMessage() => Assert.Equal(["hi"], MessageSplitter.Split("hi"));

    [Fact]
    public void ExactlyTheLimit_IsOneMessage() => Assert.Single(MessageSplitter.Split(new string('a', 2000)));

    [Fact]
    public void LongLine_IsHardSplit_AtTheLimit()
    {
        var parts = MessageSplitter.Split(new string('a', 4500));
        Assert.Equal([2000, 2000, 500], parts.Select(p => p.Length));
    }

    [Fact]
    public void HardSplit_NeverBreaksASurrogatePair()
    {
        // 1,999 ASCII then emoji: a cut at 2,000 would land between the emoji's two UTF-16 units.
        var content = new string('a', 1999) + string.Concat(Enumerable.Repeat("😀", 1500));
        var parts = MessageSplitter.Split(content);

        Assert.All(parts, p => Assert.True(p.Length <= 2000));
        Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1]), "part ends in half a pair"));
        Assert.All(parts, p => Assert.False(char.IsLowSurrogate(p[0]), "part starts with half a pair"));
        Assert.Equal(content, string.Concat(parts));
    }

    [Fact]
    public void SplitsOnTheLastLineBreakThatFits()
    {
        var content = new string('a', 1500) + "\n" + new string('b', 1500) + "\r\n" + new string('c', 10);
        Assert.Equal([new string('a', 1500), new string('b', 1500) + "\r\n" + new string('c', 10)], MessageSplitter.Split(content));
    }
}
