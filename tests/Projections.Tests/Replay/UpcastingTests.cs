using System.Text.Json.Nodes;
using EventBot.Domain.Common;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Tests.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventBot.Projections.Tests.Replay;

/// <summary>
/// Old shapes stay readable. No real event has changed shape yet (every type is still schema v1, and bumping
/// <c>ValueRemembered</c> without a reason would be a storage contract change made up for a test), so this proves the
/// mechanism with a test-only type at schema v2 whose v1 shape differs: a raw v1 row in the real store is upcast on
/// read and projected. Bot.Tests (Features/Audit) stores a hand-written v1 row of a real type and shows the bot
/// displaying it.
/// </summary>
public sealed class UpcastingTests : IDisposable
{
    private readonly ProjectorHarness _h = new();

    /// <summary>v1 stored <c>{"note": "..."}</c>; v2 renamed it to <c>text</c> and added who wrote it.</summary>
    [EventType("TestNoteTaken", schemaVersion: 2)]
    public sealed record NoteTaken(string Text, string Author);

    public sealed record NoteDocument(string Text, string Author, long Version);

    private sealed class Notes : Projection<NoteDocument>
    {
        public Notes() => On<NoteTaken>((_, env, e) => new NoteDocument(e.Text, e.Author, env.Version));

        public override string Name => "test-notes";

        public override IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event) => [new ViewKey(envelope.GuildId, envelope.StreamId)];
    }

    private static readonly Upcaster NoteV1ToV2 = new("TestNoteTaken", 1, v1 => new JsonObject
    {
        ["text"] = v1["note"]?.GetValue<string>(),
        ["author"] = "(unknown: v1 did not record it)",
    });

    [Fact]
    public async Task A_version_1_row_in_the_store_is_upcast_on_read_and_projected_with_the_current_code()
    {
        var codec = new EventCodec([typeof(NoteTaken)], [NoteV1ToV2]);
        var appended = await _h.Store.AppendAsync(new StreamName("notes/1/a"), 0,
            [new EventData("TestNoteTaken", 1, """{"note":"bring snacks"}"""), codec.Encode(new NoteTaken("and drinks", "alice"))],
            new AppendContext("1", "42", "alice", "notes:1"), default);
        var stored = ((AppendResult.Appended)appended).Events;
        Assert.Equal([1, 2], stored.Select(e => e.SchemaVersion));
        var core = new ProjectorCore([new Notes()], _h.Views, _h.Store, codec, _h.Generations, _h.Signals, NullLogger<ProjectorCore>.Instance);

        Assert.Null((await core.ProjectAsync([stored[0]], default)).FirstFailedIndex);
        var afterV1 = Notes.Read(await _h.Views.GetAsync(new ViewKey(Generations.PhysicalPartition("test-notes", 1, "1"), "notes/1/a"), default));
        Assert.Equal(new NoteDocument("bring snacks", "(unknown: v1 did not record it)", 1), afterV1);

        Assert.Null((await core.ProjectAsync([stored[1]], default)).FirstFailedIndex);
        var afterV2 = Notes.Read(await _h.Views.GetAsync(new ViewKey(Generations.PhysicalPartition("test-notes", 1, "1"), "notes/1/a"), default));
        Assert.Equal(new NoteDocument("and drinks", "alice", 2), afterV2);
    }

    [Fact]
    public async Task Without_its_upcaster_the_same_row_is_a_clear_failure_not_a_guess()
    {
        var codec = new EventCodec([typeof(NoteTaken)]);
        var appended = await _h.Store.AppendAsync(new StreamName("notes/1/a"), 0, [new EventData("TestNoteTaken", 1, """{"note":"x"}""")],
            new AppendContext("1", "42", "alice", "notes:2"), default);
        var core = new ProjectorCore([new Notes()], _h.Views, _h.Store, codec, _h.Generations, _h.Signals, NullLogger<ProjectorCore>.Instance);

        var result = await core.ProjectAsync(((AppendResult.Appended)appended).Events, default);

        Assert.Equal(0, result.FirstFailedIndex);
        Assert.Contains("No upcaster from 'TestNoteTaken' v1 to v2", result.Error!.GetBaseException().Message, StringComparison.Ordinal);
    }

    public void Dispose() => _h.Dispose();
}
