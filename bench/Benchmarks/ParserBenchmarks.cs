using BenchmarkDotNet.Attributes;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Hosting;
using EventBot.Bot.Parsing;
using EventBot.Domain.Common;

namespace EventBot.Benchmarks;

/// <summary>Every message is parsed; search scores every key of a server.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly CommandParser _parser = CommandParser.For(new BotOptions());
    private readonly ChatMessage _remember = Message(".remember release date is Friday 27 November");
    private readonly ChatMessage _chatter = Message("nothing for the bot here, just people talking");

    private static ChatMessage Message(string text) =>
        new("1", GuildId.FromName("bench"), new ChatUser(UserId.FromName("bench"), "bench"), text, []);

    [Benchmark]
    public ParseResult ParseRemember() => _parser.Parse(_remember);

    [Benchmark]
    public ParseResult ParseChatter() => _parser.Parse(_chatter);

    [Benchmark]
    public int FuzzyScore() => FuzzyMatch.Score("relase dat", "release date");
}
