using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EventBot.Bot.Features.Privacy;
using EventBot.Bot.Hosting;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.EventStore.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Cli;

/// <summary>
/// <c>privacy</c>: the operator's erasure verbs (docs/privacy.md). <c>forget</c>, <c>redact</c> and <c>purge-guild</c>
/// destroy keys and cannot be undone; each records what it erased, then re-projects the read models it touched
/// (docs/privacy.md: with the operator's credentials, here; the running projector then finds it done).
/// </summary>
public static class PrivacyVerb
{
    public const int BadInput = 2;

    public static Command Create()
    {
        var command = new Command("privacy", "Erase a user, a value version or a server for good (crypto-shredding), export a user's data, show the keys.");
        command.Subcommands.Add(Forget());
        command.Subcommands.Add(Redact());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(PurgeGuild());
        command.Subcommands.Add(Status());
        command.Subcommands.Add(RewriteLegacy());
        return command;
    }

    /// <summary>
    /// The legacy rewrite alone (docs/privacy.md): for erasures that ran where it was skipped (a chat erasure on DynamoDB)
    /// or interrupted. Idempotent; <c>--dry-run</c> counts without writing.
    /// </summary>
    private static Command RewriteLegacy()
    {
        var user = UserOption();
        var guild = GuildOption();
        var key = new Option<string?>("--key") { Description = "With --guild and --version: a redacted value version." };
        var version = new Option<long?>("--version") { Description = "The redacted version of --key." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be rewritten; write nothing." };
        var command = new Command("rewrite-legacy", "Replace in place the plaintext of events stored before encryption for an erased user (--user), value version (--guild --key --version) or server (--guild).")
            { user, guild, key, version, dryRun, Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            var userId = UserIdOf(result.GetValue(user));
            var guildText = result.GetValue(guild);
            if ((userId is null) == string.IsNullOrWhiteSpace(guildText)) return Cli.Fail("privacy rewrite-legacy needs --user ID or --guild ID", BadInput);
            var keyText = result.GetValue(key);
            var n = result.GetValue(version);
            if ((keyText is { Length: > 0 }) != n.HasValue || n < 1) return Cli.Fail("privacy rewrite-legacy: --key and --version N (from 1) go together, with --guild", BadInput);
            var builder = BotHost.CreateBuilder();
            builder.Services.PostConfigure<BotOptions>(o => o.LegacyRewrite = "on"); // the operator asked for it, whatever the setting
            using var host = builder.Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var legacy = host.Services.GetRequiredService<LegacyRewrite>();
            var actor = ErasureActor.Operator("rewrite-legacy");
            var dry = result.GetValue(dryRun);
            LegacyRewriteResult done;
            if (userId is not null) done = await legacy.ForgetUserAsync(userId, [], actor, ct, dry);
            else if (keyText is { Length: > 0 })
            {
                var memoryKey = MemoryKey.Create(keyText);
                if (!memoryKey.IsValid) return Cli.Fail($"--key: {memoryKey.Error}", BadInput);
                var guildId = CliGuild.Parse(guildText!);
                done = await legacy.RedactAsync(guildId.ToString(), RememberStream.For(guildId, memoryKey.Value), n!.Value, actor, ct, dry);
            }
            else done = await legacy.PurgeGuildAsync(CliGuild.Parse(guildText!).ToString(), actor, ct, dry);
            if (result.GetValue(Cli.Json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new { events = done.Events, streams = done.Streams, guilds = done.Guilds, dryRun = dry }));
            else
                Console.Out.WriteLine($"{(dry ? "would rewrite" : "rewrote")} {done.Events} legacy events ({done.Streams} user streams moved) in {done.Guilds} servers"
                    + (dry || done.Events == 0 ? "" : "; run `replay` to rebuild the read models from them"));
            return 0;
        }));
        return command;
    }

    private static Option<string?> UserOption() => new("--user") { Description = "The user: a Discord id, or a console user's name." };

    private static Option<string?> GuildOption() => new("--guild") { Description = "The server: a Discord id, or a console server's name." };

    /// <summary>A Discord id as is; a console user's name as the console maps it.</summary>
    public static string? UserIdOf(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id.ToString(CultureInfo.InvariantCulture)
        : UserId.FromName(text).ToString();

    private static Command Forget()
    {
        var user = UserOption();
        var command = new Command("forget", "Forget a user everywhere: their identity and what they wrote read as erased; their totals stay, anonymously. Cannot be undone.") { user, Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            if (UserIdOf(result.GetValue(user)) is not { } userId) return Cli.Fail("privacy forget needs --user ID", BadInput);
            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var erased = await host.Services.GetRequiredService<Erasure>().ForgetUserAsync(userId, "operator", ErasureActor.Operator("forget"), ct);
            // A console user's name is also a line of console-users.txt in the data directory.
            await EventBot.Bot.Adapters.Console.ConsoleUsers.ForgetAsync(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BotOptions>>().Value.DataDir,
                UserId.Parse(userId), ct);
            return Report(result.GetValue(Cli.Json), erased, erased.Keys == 0 ? "no keys of that user: nothing stored since encryption began names them" : $"forgot the user: {erased.Keys} keys destroyed in {erased.Guilds} servers");
        }));
        return command;
    }

    private static Command Redact()
    {
        var guild = GuildOption();
        var key = new Option<string?>("--key") { Description = "The remembered key." };
        var version = new Option<long?>("--version") { Description = "The version to erase (see `history --key`)." };
        var command = new Command("redact", "Erase one version of a remembered value for good. Cannot be undone.") { guild, key, version, Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            if (result.GetValue(guild) is not { Length: > 0 } guildText) return Cli.Fail("privacy redact needs --guild ID", BadInput);
            if (result.GetValue(key) is not { Length: > 0 } keyText) return Cli.Fail("privacy redact needs --key K", BadInput);
            if (result.GetValue(version) is not { } n || n < 1) return Cli.Fail("privacy redact needs --version N, a whole number from 1", BadInput);
            var memoryKey = MemoryKey.Create(keyText);
            if (!memoryKey.IsValid) return Cli.Fail($"--key: {memoryKey.Error}", BadInput);
            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var (outcome, erased) = await host.Services.GetRequiredService<Erasure>().RedactAsync(CliGuild.Parse(guildText), memoryKey.Value, n, ErasureActor.Operator("redact"), ct);
            return outcome switch
            {
                Erasure.RedactOutcome.Redacted => Report(result.GetValue(Cli.Json), erased!, $"redacted v{n} of `{memoryKey.Value.Display}`"),
                Erasure.RedactOutcome.AlreadyRedacted => Cli.Fail($"v{n} of `{memoryKey.Value.Display}` is already redacted"),
                Erasure.RedactOutcome.NotAValue => Cli.Fail($"v{n} of `{memoryKey.Value.Display}` set no value (it was a forget or a redaction)"),
                _ => Cli.Fail($"`{memoryKey.Value.Display}` has no v{n} in {CliGuild.Describe(guildText)}"),
            };
        }));
        return command;
    }

    private static Command PurgeGuild()
    {
        var guild = GuildOption();
        var command = new Command("purge-guild", "Purge a server now: every key of it is destroyed, nothing of it reads any more. Cannot be undone.") { guild, Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            if (result.GetValue(guild) is not { Length: > 0 } guildText) return Cli.Fail("privacy purge-guild needs --guild ID", BadInput);
            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var erased = await host.Services.GetRequiredService<Erasure>().PurgeGuildAsync(CliGuild.Parse(guildText).ToString(), "operator", ErasureActor.Operator("purge-guild"), ct);
            return Report(result.GetValue(Cli.Json), erased, $"purged {CliGuild.Describe(guildText)}: {erased.Keys} keys destroyed");
        }));
        return command;
    }

    private static Command Export()
    {
        var user = UserOption();
        var output = new Option<string?>("--out") { Description = "Where to write the JSON file. Default: privacy-export-<id>.json in the data directory." };
        var command = new Command("export", "Write every event in which the user is the actor or a target, decrypted, as a JSON file; prints its path.") { user, output };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            if (UserIdOf(result.GetValue(user)) is not { } userId) return Cli.Fail("privacy export needs --user ID", BadInput);
            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            // Every server: a full read of the events (a Scan on DynamoDB), with the operator's credentials.
            var (count, json, _) = await host.Services.GetRequiredService<PrivacyExport>().EverywhereAsync(userId, ct);
            var path = Path.GetFullPath(result.GetValue(output) ?? Path.Combine(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BotOptions>>().Value.DataDir, $"privacy-export-{userId}.json"));
            await WritePrivateAsync(path, json, ct);
            Console.Error.WriteLine($"{count} events");
            Console.Out.WriteLine(path);
            return 0;
        }));
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "The master key in use, how many keys exist per kind, and the servers whose purge is pending (the guild-purges read model).") { Cli.Json };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            using var host = BotHost.CreateBuilder().Build();
            if (Cli.MissingStore(host.Services) is { } noStore) return Cli.Fail(noStore);
            var ring = host.Services.GetRequiredService<KeyRing>();
            var counts = await ring.Store.CountAsync(ct);
            var pending = await GuildRetention.FindPendingAsync(host.Services.GetRequiredService<EventBot.Projections.Core.ReadModels>(), ct);
            if (result.GetValue(Cli.Json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { master = ring.Master.Id, keys = counts, pendingPurges = pending.Select(p => new { guild = p.Guild, dueAt = p.Due }) }));
                return 0;
            }
            CliText.Field("master key", ring.Master.Id);
            foreach (var kind in new[] { KeyKinds.Guild, KeyKinds.User, KeyKinds.Value })
                CliText.Field($"{kind} keys", counts.GetValueOrDefault(kind).ToString("N0", CultureInfo.InvariantCulture));
            CliText.Field("pending purges", pending.Count == 0 ? "none"
                : string.Join(", ", pending.Select(p => $"{p.Guild} at {p.Due.ToString("u", CultureInfo.InvariantCulture)}")));
            return 0;
        }));
        return command;
    }

    /// <summary>An export holds personal data: owner-only permissions, like the key file.</summary>
    public static async Task WritePrivateAsync(string path, string json, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(json.AsMemory(), ct);
    }

    private static int Report(bool json, ErasureResult erased, string text)
    {
        if (json) Console.Out.WriteLine(JsonSerializer.Serialize(new { keys = erased.Keys, guilds = erased.Guilds, rebuilt = erased.Rebuilt }));
        else Console.Out.WriteLine(text + (erased.Rebuilt || erased.Keys == 0 ? "" : "; the read models are not re-projected yet: run `replay`"));
        return 0;
    }
}
