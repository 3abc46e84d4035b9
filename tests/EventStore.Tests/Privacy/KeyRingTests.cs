using Amazon.KeyManagementService;
using Amazon.Runtime;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using EventBot.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Privacy;

public sealed class KeyRingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    private KeyRing Ring(IMasterKey? master = null, IKeyStore? store = null) =>
        new(store ?? new SqliteKeyStore(new SqliteDatabase(Path.Combine(_dir, "events.db"))), master ?? LocalKeyFile.OpenOrCreate(Path.Combine(_dir, "eventbot.key")), _time);

    [Fact]
    public void The_key_file_is_created_owner_only_and_read_back_the_same()
    {
        var path = Path.Combine(_dir, "eventbot.key");
        var first = LocalKeyFile.OpenOrCreate(path);
        var again = LocalKeyFile.OpenOrCreate(path);

        Assert.Equal(first.Id, again.Id);
        Assert.StartsWith("file:", first.Id);
        Assert.DoesNotContain(File.ReadAllText(path).Trim(), first.Id);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task A_user_has_one_key_per_guild_and_reads_never_create_one()
    {
        var ring = Ring();

        Assert.Null(await ring.UserKeyAsync("1", "42", create: false, default));
        var key = await ring.UserKeyAsync("1", "42", create: true, default);
        var again = await Ring().UserKeyAsync("1", "42", create: false, default); // another process, same store and key file
        var otherGuild = await ring.UserKeyAsync("2", "42", create: true, default);

        Assert.Equal(key!.KeyId, again!.KeyId);
        Assert.Equal(key.Bytes, again.Bytes);
        Assert.NotEqual(key.KeyId, otherGuild!.KeyId);
        Assert.Equal("42", await Ring().SubjectOfAsync(key.KeyId, default));
    }

    [Fact]
    public async Task Destroying_the_guild_key_makes_every_key_under_it_unreadable()
    {
        var ring = Ring();
        var user = await ring.UserKeyAsync("1", "42", create: true, default);
        var value = await ring.ValueKeyAsync("1", "remember/1/k", 3, create: true, default);
        var guild = await ring.GuildKeyAsync("1", create: false, default);
        var store = ring.Store;
        var guildRecord = (await store.ListAsync("1", null, default)).Single(r => r.Kind == KeyKinds.Guild);

        await ring.DestroyAsync([guildRecord], default);

        var fresh = Ring(); // no cache
        Assert.Null(await fresh.KeyAsync(user!.KeyId, default));
        Assert.Null(await fresh.KeyAsync(value!.KeyId, default));
        Assert.Null(await fresh.SubjectOfAsync(user.KeyId, default));
        Assert.NotNull(guild);
    }

    [Fact]
    public async Task A_destroyed_key_is_forgotten_by_the_cache_at_once()
    {
        var ring = Ring();
        var user = await ring.UserKeyAsync("1", "42", create: true, default);
        Assert.NotNull(await ring.KeyAsync(user!.KeyId, default));

        await ring.DestroyAsync(await ring.Store.ListAsync(null, await ring.LookupOfAsync(KeyRing.OwnerText("42"), default), default), default);

        Assert.Null(await ring.KeyAsync(user.KeyId, default));
        Assert.Null(await ring.UserKeyAsync("1", "42", create: false, default));
    }

    [Fact]
    public async Task The_cache_is_bounded()
    {
        var ring = new KeyRing(new SqliteKeyStore(new SqliteDatabase(Path.Combine(_dir, "events.db"))), LocalKeyFile.OpenOrCreate(Path.Combine(_dir, "k")), _time) { Capacity = 8 };
        var keys = new List<DataKey>();
        for (var i = 0; i < 50; i++) keys.Add((await ring.UserKeyAsync("1", i.ToString(System.Globalization.CultureInfo.InvariantCulture), create: true, default))!);

        foreach (var key in keys) Assert.Equal(key.Bytes, await ring.KeyAsync(key.KeyId, default));
    }

    [Fact]
    public async Task With_KMS_a_guild_key_costs_one_GenerateDataKey_and_a_fresh_process_one_Decrypt_per_guild()
    {
        await using var kms = await FakeKms.StartAsync();
        using var client = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("test", "test"),
            new AmazonKeyManagementServiceConfig { ServiceURL = kms.Url.ToString(), AuthenticationRegion = "us-east-1" });
        var master = new KmsMasterKey(client, "alias/eventbot");
        var ring = Ring(master);

        for (var i = 0; i < 5; i++) await ring.UserKeyAsync("1", $"user{i}", create: true, default);
        var value = await ring.ValueKeyAsync("1", "remember/1/k", 1, create: true, default);
        Assert.Equal(["TrentService.GenerateDataKey", "TrentService.GenerateDataKey"], kms.Calls); // the lookup key, then the guild key
        kms.Calls.Clear();

        kms.FailNext(1); // a throttle: the SDK retries it
        var fresh = Ring(master);
        Assert.Equal(value!.Bytes, await fresh.KeyAsync(value.KeyId, default));
        Assert.Equal("user3", await fresh.SubjectOfAsync((await fresh.UserKeyAsync("1", "user3", create: false, default))!.KeyId, default));
        Assert.All(kms.Calls, c => Assert.Equal("TrentService.Decrypt", c));
        Assert.Equal(3, kms.Calls.Count); // throttled + lookup key + guild key
    }

    [Fact]
    public async Task A_KMS_ciphertext_does_not_unwrap_as_another_key()
    {
        await using var kms = await FakeKms.StartAsync();
        using var client = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("test", "test"),
            new AmazonKeyManagementServiceConfig { ServiceURL = kms.Url.ToString(), AuthenticationRegion = "us-east-1" });
        var master = new KmsMasterKey(client, "alias/eventbot");
        var generated = await master.GenerateAsync("ka", default);

        Assert.Equal(generated.Plaintext, await master.UnwrapAsync("ka", generated.Wrapped, default));
        await Assert.ThrowsAsync<Amazon.KeyManagementService.Model.InvalidCiphertextException>(() => master.UnwrapAsync("kb", generated.Wrapped, default));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
