// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Filters;

/// <summary>A trusted header whose value, when it matches <see cref="Pattern"/>, is a spam verdict.</summary>
/// <param name="HeaderName">The header field name (case-insensitive).</param>
/// <param name="Pattern">A .NET regular expression, matched case-insensitively against the value.</param>
public sealed record SpamHeaderRule(string HeaderName, string Pattern);

/// <summary>
/// Which headers the delivery trusts for a spam verdict. Only trust headers that the MX adds and
/// strips from incoming mail. Based on the 2017 <c>spamheaders.toml</c> rules (reference §6.3 step 6).
/// </summary>
public sealed record SpamHeaderOptions
{
    /// <summary>The defaults: <c>X-Spam-Status: ^Yes</c>, <c>X-Rspamd-Spam: ^yes</c>, score header <c>X-Spam-Score</c>.</summary>
    public static SpamHeaderOptions Default { get; } = new();

    /// <summary>Verdict rules; a match is a verdict score of <see cref="VerdictScore"/>.</summary>
    public IReadOnlyList<SpamHeaderRule> VerdictHeaders { get; init; } = new[]
    {
        new SpamHeaderRule("X-Spam-Status", @"^\s*yes\b"),
        new SpamHeaderRule("X-Rspamd-Spam", @"^\s*yes\b"),
    };

    /// <summary>The score (0–100) a matching verdict header stands for. Default 100.</summary>
    public int VerdictScore { get; init; } = 100;

    /// <summary>
    /// Optional numeric score header (e.g. SpamAssassin's <c>X-Spam-Score</c>); null disables it.
    /// Its value (the leading number) is multiplied by <see cref="ScoreMultiplier"/> and clamped to 0–100.
    /// </summary>
    public string? ScoreHeader { get; init; } = "X-Spam-Score";

    /// <summary>
    /// Maps the score header's number onto the 0–100 spam-level scale. Default 10, so a
    /// SpamAssassin score of 5.0 equals the default spam level 50.
    /// </summary>
    public double ScoreMultiplier { get; init; } = 10;

    /// <summary>Regex timeout for <see cref="VerdictHeaders"/> patterns.</summary>
    public TimeSpan PatternTimeout { get; init; } = TimeSpan.FromMilliseconds(100);
}
