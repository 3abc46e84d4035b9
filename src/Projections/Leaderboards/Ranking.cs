namespace EventBot.Projections.Leaderboards;

/// <summary>One place on a board: positions are 1, 2, 3… with no shared places, because ties are broken.</summary>
public sealed record Ranked<T>(int Rank, T Entry);

/// <summary>
/// Orders a board partition in memory: higher score first; on equal scores whoever reached that score first
/// (earlier <c>ReachedAt</c>) wins; the user id settles the (practically impossible) rest so ranks are stable.
/// </summary>
public static class Ranking
{
    public static IReadOnlyList<Ranked<T>> Rank<T>(IEnumerable<T> entries, Func<T, int> score, Func<T, DateTimeOffset> reachedAt, Func<T, ulong> userId) =>
        [.. entries
            .OrderByDescending(score)
            .ThenBy(reachedAt)
            .ThenBy(userId)
            .Select((entry, index) => new Ranked<T>(index + 1, entry))];
}
