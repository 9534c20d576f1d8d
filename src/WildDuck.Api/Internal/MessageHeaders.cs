// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using MimeKit.Utils;
using WildDuck.Storage.Mime;

namespace WildDuck.Api.Internal;

/// <summary>
/// The top-level header fields of a stored message, parsed from its header block only (the
/// stored bytes are never re-serialised): addresses, ids, list headers.
/// </summary>
internal sealed class MessageHeaders
{
    private readonly HeaderList _headers;

    private MessageHeaders(HeaderList headers) => _headers = headers;

    public static async Task<MessageHeaders> ReadAsync(MessageContent content, CancellationToken cancellationToken)
    {
        var section = await content.ResolveSectionAsync(new SectionSpec { Kind = SectionKind.Header }, cancellationToken).ConfigureAwait(false);
        var bytes = await section.ToArrayAsync(cancellationToken).ConfigureAwait(false);
        using var stream = new MemoryStream(bytes, writable: false);
        try
        {
            return new MessageHeaders(await HeaderList.LoadAsync(stream, cancellationToken).ConfigureAwait(false));
        }
        catch (FormatException)
        {
            return new MessageHeaders(new HeaderList());
        }
    }

    public string? this[string field] => _headers[field];

    /// <summary>True for a PGP/MIME message (top-level <c>multipart/encrypted</c>, RFC 3156): WildDuck's <c>encrypted</c> (reference §8.4).</summary>
    public bool IsEncrypted =>
        _headers[HeaderId.ContentType] is { } value && ContentType.TryParse(value, out var type) && type.IsMimeType("multipart", "encrypted");

    public JsonArray Addresses(string field)
    {
        var array = new JsonArray();
        foreach (var header in _headers)
        {
            if (!string.Equals(header.Field, field, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (InternetAddressList.TryParse(header.RawValue, out var list))
            {
                foreach (var mailbox in list.Mailboxes)
                {
                    array.Add((JsonNode)new JsonObject { ["name"] = mailbox.Name ?? string.Empty, ["address"] = mailbox.Address ?? string.Empty });
                }
            }
        }

        return array;
    }

    /// <summary>The first address of <paramref name="field"/>, or null.</summary>
    public JsonObject? Address(string field)
    {
        var all = Addresses(field);
        if (all.Count == 0)
        {
            return null;
        }

        var first = all[0]!.AsObject();
        all.RemoveAt(0);
        return first;
    }

    public JsonArray MessageIds(string field)
    {
        var array = new JsonArray();
        if (_headers[field] is { } value)
        {
            foreach (var id in MimeUtils.EnumerateReferences(value))
            {
                array.Add((JsonNode)("<" + id + ">"));
            }
        }

        return array;
    }

    public static IReadOnlyList<int> PartPath(string partNumber)
    {
        var parts = partNumber.Split('.');
        var path = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            path[i] = int.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture);
        }

        return path;
    }
}
