using EventBot.Projections.Core;
using EventBot.Projections.Privacy;
using EventBot.Testing;
using Xunit.Abstractions;

namespace EventBot.Infrastructure.Tests.Iam;

/// <summary>
/// terraform/ grants each role exactly what its processes were seen to ask for: the calls are recorded from real
/// sessions (<see cref="IamSessions"/>) through a proxy in front of DynamoDB Local, never written down by hand.
/// Every recorded call must be allowed; every grant must be used, by a recorded call or by AWS on the role's behalf
/// (<see cref="IamRoles.ServiceCalls"/>), because a grant nothing uses is privilege without a reason.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class IamTests(DynamoDbLocalFixture dynamo, Terraform tf, ITestOutputHelper output) : IClassFixture<Terraform>
{
    static readonly Lock Gate = new();
    static Task<IReadOnlyDictionary<string, IReadOnlyList<IamCall>>>? s_recordings;

    // Recorded once for the whole class: the sessions take seconds, every test reads them.
    Task<IReadOnlyDictionary<string, IReadOnlyList<IamCall>>> Recordings()
    {
        lock (Gate) return s_recordings ??= IamSessions.RecordAllAsync(dynamo);
    }

    public static TheoryData<string> Roles => [.. IamRoles.Roles];

    /// <summary>The role's recorded calls with resources as HCL.</summary>
    async Task<IReadOnlyList<IamCall>> CallsOf(string role)
    {
        var recordings = await Recordings();
        return [.. IamRoles.ProcessesOf(role).SelectMany(p => recordings[p]).Select(c => c with { Resource = IamPolicy.ToHcl(tf, c.Resource) }).Distinct()];
    }

    [Fact]
    public async Task Every_recorded_process_has_a_role_and_every_role_in_terraform_a_process()
    {
        var recordings = await Recordings();

        Assert.Equal(IamRoles.RoleOf.Keys.Order(StringComparer.Ordinal), recordings.Keys.Order(StringComparer.Ordinal));
        Assert.All(recordings, r => Assert.NotEmpty(r.Value));
        Assert.Equal(IamRoles.Roles, tf.Names("resource", "aws_iam_role_policy").Order(StringComparer.Ordinal));
        Assert.Equal(IamRoles.Roles, tf.Names("resource", "aws_iam_role").Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Every_call_a_process_makes_is_granted_to_its_role(string role)
    {
        var policy = IamPolicy.Of(tf, role);
        var calls = await CallsOf(role);
        output.WriteLine(Table(role, calls));

        var missing = calls.Where(c => !policy.Allows(c))
            .Concat(IamRoles.ServiceCalls.Where(s => s.Role == role).Select(s => new IamCall(s.Action, s.Resource)).Where(c => !policy.Allows(c)))
            .Select(c => c.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, $"{role} is denied what its processes do:\n  {string.Join("\n  ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Nothing_is_granted_to_a_role_that_it_never_uses(string role)
    {
        var policy = IamPolicy.Of(tf, role);
        var calls = await CallsOf(role);
        var services = IamRoles.ServiceCalls.Where(s => s.Role == role).ToList();

        // A grant is used when a recorded call or a service call is allowed by it (one grant can cover many resources).
        var unused = policy.Statements
            .SelectMany(s => s.Actions.SelectMany(a => s.Resources.Select(r => (Statement: s, Action: a, Resource: r))))
            .Where(g => !calls.Any(c => c.Action == g.Action && IamPolicy.Matches(g.Resource, c.Resource) && g.Statement.Allows(c.Action, c.Resource, c.LeadingKey))
                        && !services.Any(s => s.Action == g.Action && IamPolicy.Matches(g.Resource, s.Resource)))
            .Select(g => $"{g.Action} on {g.Resource} ({g.Statement.Sid})")
            .ToList();
        foreach (var grant in unused) output.WriteLine("unused: " + grant);

        Assert.True(unused.Count == 0, $"{role} grants what no process of it was seen to use:\n  {string.Join("\n  ", unused)}");
    }

    [Fact]
    public async Task An_append_to_an_existing_stream_needs_ConditionCheckItem_and_the_check_fails_without_it()
    {
        var calls = await CallsOf("bot");
        var check = new IamCall("dynamodb:ConditionCheckItem", "${aws_dynamodb_table.events.arn}");
        Assert.Contains(calls, c => c with { LeadingKey = null } == check);

        // The same check against the bot role with ConditionCheckItem taken out: it must find the denial.
        var without = IamPolicy.Of(tf, "bot").Without("dynamodb:ConditionCheckItem");
        Assert.Contains(calls, c => !without.Allows(c));
    }

    [Fact]
    public async Task The_lambda_deletes_dead_letters_and_rows_keyed_by_an_erased_user_only()
    {
        var deletes = (await CallsOf("projector")).Where(c => c.Action == "dynamodb:DeleteItem").ToList();

        // The session's fail-then-succeed record removed its dead letter; its forget-me removed the forgotten user's
        // rows (their id was the sort key); nothing else was deleted.
        Assert.Contains(deletes, d => d.LeadingKey == DeadLetterStore.Partition);
        Assert.Contains(deletes, d => d.LeadingKey!.StartsWith("sparkle-totals#", StringComparison.Ordinal));
        Assert.All(deletes, d => Assert.True(d.LeadingKey == DeadLetterStore.Partition
            || ErasureReprojection.RowsKeyedByUser.Any(p => d.LeadingKey!.StartsWith(p + "#", StringComparison.Ordinal)), d.ToString()));
        var grants = IamPolicy.Of(tf, "projector").Statements.Where(s => s.Actions.Contains("dynamodb:DeleteItem")).ToList();
        Assert.Equal(2, grants.Count);
        Assert.Contains(grants, g => !g.LeadingKeysLike && g.LeadingKeys!.SequenceEqual([DeadLetterStore.Partition]));
        Assert.Contains(grants, g => g.LeadingKeysLike && g.LeadingKeys!.SequenceEqual(ErasureReprojection.RowsKeyedByUser.Select(p => p + "#*")));
    }

    static string Table(string role, IReadOnlyList<IamCall> calls)
    {
        var lines = calls.GroupBy(c => (c.Action, c.Resource))
            .OrderBy(g => g.Key.Action, StringComparer.Ordinal).ThenBy(g => g.Key.Resource, StringComparer.Ordinal)
            .Select(g =>
            {
                var keys = g.Select(c => c.LeadingKey).OfType<string>().Distinct().ToList();
                var note = keys.Count == 0 ? "" : keys.Count <= 2 ? $" (keys: {string.Join(", ", keys)})" : $" ({keys.Count} partition keys)";
                return $"| {role} | {g.Key.Action} | {g.Key.Resource}{note} |";
            });
        return string.Join("\n", lines);
    }
}
