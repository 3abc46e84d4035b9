using EventBot.EventStore.Privacy;

namespace EventBot.EventStore.Tests.Privacy;

/// <summary>What every key store promises; SQLite and DynamoDB run it through one-line subclasses.</summary>
public abstract class KeyStoreContract
{
    protected abstract Task<IKeyStore> CreateStoreAsync();

    private static KeyRecord Record(string lookup, string guild = "1", string owner = "", string kind = KeyKinds.User) =>
        new(FieldCipher.NewKeyId(), lookup, kind, guild, owner, "file:x", "d3JhcHBlZA==", owner.Length == 0 ? "" : "enc:v1:k:x");

    [Fact]
    public async Task A_key_is_found_by_id_and_by_lookup()
    {
        var store = await CreateStoreAsync();
        var record = Record("l1", owner: "o1");

        Assert.Equal(record, await store.AddOrGetAsync(record, default));
        Assert.Equal(record, await store.GetAsync(record.KeyId, default));
        Assert.Equal(record, await store.FindAsync("l1", default));
        Assert.Null(await store.GetAsync("knothing", default));
        Assert.Null(await store.FindAsync("nothing", default));
    }

    [Fact]
    public async Task The_first_key_of_a_lookup_wins_and_the_second_gets_it()
    {
        var store = await CreateStoreAsync();
        var first = Record("same");
        var second = Record("same");

        await store.AddOrGetAsync(first, default);

        Assert.Equal(first, await store.AddOrGetAsync(second, default));
        Assert.Null(await store.GetAsync(second.KeyId, default));
    }

    [Fact]
    public async Task Keys_are_listed_by_guild_and_by_owner()
    {
        var store = await CreateStoreAsync();
        var a = Record("a", guild: "1", owner: "alice");
        var b = Record("b", guild: "2", owner: "alice");
        var c = Record("c", guild: "1", owner: "bob");
        var g = Record("g", guild: "1", kind: KeyKinds.Guild);
        foreach (var r in new[] { a, b, c, g }) await store.AddOrGetAsync(r, default);

        Assert.Equal(new[] { a.KeyId, b.KeyId }.Order().ToList(), (await store.ListAsync(null, "alice", default)).Select(r => r.KeyId).Order().ToList());
        Assert.Equal(new[] { a.KeyId, c.KeyId, g.KeyId }.Order().ToList(), (await store.ListAsync("1", null, default)).Select(r => r.KeyId).Order().ToList());
        Assert.Equal([c.KeyId], (await store.ListAsync("1", "bob", default)).Select(r => r.KeyId));
        var counts = await store.CountAsync(default);
        Assert.Equal(3, counts[KeyKinds.User]);
        Assert.Equal(1, counts[KeyKinds.Guild]);
    }

    [Fact]
    public async Task A_deleted_key_is_gone_for_good_and_its_lookup_is_free_again()
    {
        var store = await CreateStoreAsync();
        var record = Record("l", owner: "o");
        await store.AddOrGetAsync(record, default);

        Assert.Equal(1, await store.DeleteAsync([record], default));
        Assert.Equal(0, await store.DeleteAsync([record], default));

        Assert.Null(await store.GetAsync(record.KeyId, default));
        Assert.Null(await store.FindAsync("l", default));
        Assert.Empty(await store.ListAsync(null, "o", default));
        var fresh = Record("l");
        Assert.Equal(fresh, await store.AddOrGetAsync(fresh, default));
    }
}
