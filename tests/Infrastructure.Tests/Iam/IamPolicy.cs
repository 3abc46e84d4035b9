using System.Text.Json;
using System.Text.RegularExpressions;

namespace EventBot.Infrastructure.Tests.Iam;

/// <summary>One Allow statement of a role's inline policy, resources as HCL expressions.</summary>
/// <param name="LeadingKeys">The values of a <c>dynamodb:LeadingKeys</c> condition; null: none.</param>
/// <param name="LeadingKeysLike">The condition is <c>ForAllValues:StringLike</c> (values are patterns, <c>*</c> and
/// <c>?</c>), not <c>ForAllValues:StringEquals</c>.</param>
public sealed record IamStatement(string? Sid, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, IReadOnlyList<string>? LeadingKeys,
    bool LeadingKeysLike = false)
{
    public bool Allows(string action, string resource, string? leadingKey) =>
        Actions.Contains(action, StringComparer.Ordinal)
        && Resources.Any(r => IamPolicy.Matches(r, resource))
        && (LeadingKeys is null || (leadingKey is not null && LeadingKeys.Any(k => LeadingKeysLike ? IamPolicy.Matches(k, leadingKey) : k == leadingKey)));
}

/// <summary>
/// A role's inline policy as terraform/ writes it (<c>data "aws_iam_policy_document" "ROLE"</c>, attached by
/// <c>aws_iam_role_policy.ROLE</c> to <c>aws_iam_role.ROLE</c>), evaluated the way IAM would for the calls we record.
/// Only what this evaluation understands is accepted: Allow statements, actions without wildcards, and no condition
/// but <c>ForAllValues:StringEquals</c> or <c>ForAllValues:StringLike</c> on <c>dynamodb:LeadingKeys</c>; anything else fails the test instead of
/// being guessed at.
/// </summary>
public sealed class IamPolicy(string role, IReadOnlyList<IamStatement> statements)
{
    public string Role { get; } = role;

    public IReadOnlyList<IamStatement> Statements { get; } = statements;

    public static IamPolicy Of(Terraform tf, string role)
    {
        var attachment = tf.Resource("aws_iam_role_policy", role);
        Assert.Equal($"${{aws_iam_role.{role}.id}}", attachment.Str("role"));
        Assert.Equal($"${{data.aws_iam_policy_document.{role}.json}}", attachment.Str("policy"));
        Assert.Empty(tf.Names("resource", "aws_iam_role_policy_attachment"));

        var statements = new List<IamStatement>();
        foreach (var statement in tf.Data("aws_iam_policy_document", role).Blocks("statement"))
        {
            Assert.Equal("Allow", statement.StrOrNull("effect") ?? "Allow");
            Assert.False(statement.TryGetProperty("not_actions", out _), "NotAction grants everything else");
            Assert.False(statement.TryGetProperty("not_resources", out _), "NotResource grants everything else");
            var actions = statement.Strings("actions");
            Assert.All(actions, a => Assert.DoesNotContain('*', a));
            var (keys, like) = LeadingKeys(statement);
            statements.Add(new IamStatement(statement.StrOrNull("sid"), actions, statement.Strings("resources"), keys, like));
        }
        return new IamPolicy(role, statements);
    }

    static (IReadOnlyList<string>? Keys, bool Like) LeadingKeys(JsonElement statement)
    {
        var conditions = statement.Blocks("condition");
        if (conditions.Count == 0) return (null, false);
        var condition = Assert.Single(conditions);
        Assert.Equal("dynamodb:LeadingKeys", condition.Str("variable"));
        Assert.Contains(condition.Str("test"), new[] { "ForAllValues:StringEquals", "ForAllValues:StringLike" });
        return (condition.Strings("values"), condition.Str("test") == "ForAllValues:StringLike");
    }

    public bool Allows(IamCall call) => Statements.Any(s => s.Allows(call.Action, call.Resource, call.LeadingKey));

    /// <summary>Every (action, resource) some statement grants, whatever its condition.</summary>
    public IReadOnlySet<(string Action, string Resource)> Grants =>
        Statements.SelectMany(s => s.Actions.SelectMany(a => s.Resources.Select(r => (a, r)))).ToHashSet();

    /// <summary>The same policy with one action taken out of every statement (proves the checks can fail).</summary>
    public IamPolicy Without(string action) =>
        new(Role, [.. Statements.Select(s => s with { Actions = [.. s.Actions.Where(a => a != action)] })]);

    /// <summary>IAM's resource match: <c>*</c> any run of characters, <c>?</c> any one.</summary>
    public static bool Matches(string pattern, string resource) =>
        pattern == resource
        || (pattern.Contains('*') || pattern.Contains('?'))
           && Regex.IsMatch(resource, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$");

    /// <summary>
    /// A recorded resource (<c>table/events</c>, <c>table/events/index/by_guild</c>, <c>table/events/stream</c>,
    /// <c>queue/interactions</c>, <c>*</c>) as the HCL expression of the Terraform table it is: <c>table/X</c> is the <c>aws_dynamodb_table</c>
    /// whose name is <c>${var.prefix}X</c>. A table Terraform does not make maps to a text no grant matches.
    /// </summary>
    public static string ToHcl(Terraform tf, string resource)
    {
        if (resource == "*") return "*";
        if (resource == RecordedProcess.KmsResource) return "${aws_kms_key.eventbot.arn}";
        if (resource.StartsWith("queue/", StringComparison.Ordinal))
        {
            // queue/X is the aws_sqs_queue whose name is ${var.prefix}X (the fake SQS records queues by name).
            var queue = tf.Names("resource", "aws_sqs_queue")
                .SingleOrDefault(n => tf.Resource("aws_sqs_queue", n).StrOrNull("name") == "${var.prefix}" + resource["queue/".Length..]);
            return queue is null ? $"(no Terraform queue for {resource})" : $"${{aws_sqs_queue.{queue}.arn}}";
        }
        if (!resource.StartsWith("table/", StringComparison.Ordinal)) return $"(not a table: {resource})";
        var parts = resource["table/".Length..].Split('/', 2);
        var table = tf.Names("resource", "aws_dynamodb_table")
            .SingleOrDefault(n => tf.Resource("aws_dynamodb_table", n).StrOrNull("name") == "${var.prefix}" + parts[0]);
        if (table is null) return $"(no Terraform table for {resource})";
        return parts.Length == 1 ? $"${{aws_dynamodb_table.{table}.arn}}"
            : parts[1] == "stream" ? $"${{aws_dynamodb_table.{table}.stream_arn}}"
            : $"${{aws_dynamodb_table.{table}.arn}}/{parts[1]}";
    }
}
