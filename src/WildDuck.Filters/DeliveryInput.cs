// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Filters;

/// <summary>
/// The facts a delivery decision needs: message facts, the user's spam level, filters and
/// forwarding targets. Header texts are decoded values; several occurrences are joined with a newline.
/// </summary>
public sealed record DeliveryInput
{
    /// <summary>Decoded From header text (display names and addresses).</summary>
    public string From { get; init; } = string.Empty;

    /// <summary>Decoded Sender header text; a <c>from</c> condition also matches it.</summary>
    public string Sender { get; init; } = string.Empty;

    /// <summary>Decoded To header text.</summary>
    public string To { get; init; } = string.Empty;

    /// <summary>Decoded Cc header text; a <c>to</c> condition also matches it.</summary>
    public string Cc { get; init; } = string.Empty;

    /// <summary>Delivered-To (the recipient); a <c>to</c> condition also matches it.</summary>
    public string DeliveredTo { get; init; } = string.Empty;

    /// <summary>Decoded Subject.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>The List-Id header value (with or without the <c>&lt;…&gt;</c> part).</summary>
    public string ListId { get; init; } = string.Empty;

    /// <summary>The extracted plain text.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>True when the message has at least one real attachment.</summary>
    public bool HasAttachments { get; init; }

    /// <summary>The stored size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Header fields as (name, decoded value) pairs in message order, for spam headers.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>The user's spam level, 0–100 (default 50; see <see cref="UserRecord.SpamLevel"/>).</summary>
    public int SpamLevel { get; init; } = 50;

    /// <summary>The user's filters in creation order; disabled ones are skipped.</summary>
    public IReadOnlyList<FilterDefinition> Filters { get; init; } = Array.Empty<FilterDefinition>();

    /// <summary>The user-level forwarding targets (not applied when a filter drops the message).</summary>
    public IReadOnlyList<string> UserForwardTargets { get; init; } = Array.Empty<string>();

    /// <summary>Trusted spam header options; null uses the evaluator's options.</summary>
    public SpamHeaderOptions? Options { get; init; }

    /// <summary>
    /// Builds the input from the indexed metadata of a message. Header texts come from
    /// <see cref="MessageMetadata.SearchHeaders"/> (one "name: value" line per field); From/To/Cc
    /// fall back to the parsed address lists. <paramref name="recipient"/>, when given, is the
    /// Delivered-To value (the delivery prepends it, reference §6.3 step 1).
    /// </summary>
    /// <param name="metadata">The message's metadata.</param>
    /// <param name="size">The stored size in bytes.</param>
    /// <param name="recipient">The recipient address, or null to use the message's Delivered-To.</param>
    /// <returns>An input with the message facts set; set the user fields with <c>with</c>.</returns>
    public static DeliveryInput FromMetadata(MessageMetadata metadata, long size, string? recipient)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var headers = ParseSearchHeaders(metadata.SearchHeaders);
        var subject = Join(headers, "subject");
        return new DeliveryInput
        {
            From = FirstNonEmpty(Join(headers, "from"), Format(metadata.From)),
            Sender = Join(headers, "sender"),
            To = FirstNonEmpty(Join(headers, "to"), Format(metadata.To)),
            Cc = FirstNonEmpty(Join(headers, "cc"), Format(metadata.Cc)),
            DeliveredTo = string.IsNullOrWhiteSpace(recipient) ? Join(headers, "delivered-to") : recipient,
            Subject = subject.Length > 0 ? subject : metadata.Subject,
            ListId = Join(headers, "list-id"),
            Text = metadata.Text ?? string.Empty,
            HasAttachments = metadata.HasAttachments,
            Size = size,
            Headers = headers,
        };
    }

    /// <summary>Splits "name: value" lines into pairs; lines without a colon are skipped.</summary>
    /// <param name="searchHeaders">The text, one header field per line.</param>
    /// <returns>The pairs in order, names trimmed.</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseSearchHeaders(string? searchHeaders)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(searchHeaders))
        {
            return result;
        }

        foreach (var rawLine in searchHeaders.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            if (name.Length == 0)
            {
                continue;
            }

            result.Add(new KeyValuePair<string, string>(name, line[(colon + 1)..].Trim()));
        }

        return result;
    }

    private static string Join(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        StringBuilder? sb = null;
        foreach (var (key, value) in headers)
        {
            if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            sb ??= new StringBuilder();
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(value);
        }

        return sb?.ToString() ?? string.Empty;
    }

    private static string Format(IReadOnlyList<MailAddress> addresses)
    {
        var sb = new StringBuilder();
        foreach (var a in addresses)
        {
            if (a.Address is null)
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            if (!string.IsNullOrEmpty(a.Name))
            {
                sb.Append(a.Name).Append(" <").Append(a.Address).Append('>');
            }
            else
            {
                sb.Append(a.Address);
            }
        }

        return sb.ToString();
    }

    private static string FirstNonEmpty(string a, string b) => a.Length > 0 ? a : b;
}
