// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage.Addressing;

/// <summary>The kinds of forward target (reference §6.4 "targets").</summary>
public enum ForwardTargetKind
{
    /// <summary>An email address, relayed through the smarthost.</summary>
    Mail,

    /// <summary>An <c>smtp://</c> or <c>smtps://</c> relay that receives the original recipient.</summary>
    Relay,

    /// <summary>An <c>http://</c> or <c>https://</c> URL the message is POSTed to.</summary>
    Http,
}

/// <summary>A parsed forward target.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Value">The address (for <see cref="ForwardTargetKind.Mail"/>) or the URL.</param>
public readonly record struct ForwardTarget(ForwardTargetKind Kind, string Value)
{
    /// <summary>The stored form: <c>mail:addr</c> for addresses, the URL otherwise.</summary>
    public string Canonical => Kind == ForwardTargetKind.Mail ? "mail:" + Value : Value;

    /// <summary>
    /// Parses a target as filters and users store it (and as operators and the API give it):
    /// <c>mail:addr</c> or a bare address, an <c>smtp(s)://</c> URL with a host, or an
    /// <c>http(s)://</c> URL. Anything else is not a target (false). Delivery and every place that
    /// accepts targets use this one rule.
    /// </summary>
    /// <param name="text">The target text.</param>
    /// <param name="target">The parsed target.</param>
    /// <returns>True when <paramref name="text"/> is a target.</returns>
    public static bool TryParse(string? text, out ForwardTarget target)
    {
        target = default;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (value.StartsWith("smtp://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("smtps://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                return false;
            }

            target = new ForwardTarget(ForwardTargetKind.Relay, value);
            return true;
        }

        if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                return false;
            }

            target = new ForwardTarget(ForwardTargetKind.Http, value);
            return true;
        }

        if (value.StartsWith("mail:", StringComparison.OrdinalIgnoreCase))
        {
            value = value["mail:".Length..].Trim();
        }

        if (!AddressNormalizer.IsValidAddress(value))
        {
            return false;
        }

        target = new ForwardTarget(ForwardTargetKind.Mail, value);
        return true;
    }
}
