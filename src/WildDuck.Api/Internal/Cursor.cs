// SPDX-License-Identifier: MIT
using System;
using System.Buffers.Text;
using System.Text;

namespace WildDuck.Api.Internal;

/// <summary>
/// Opaque paging cursors: base64url of "kind:position". A cursor names the key a page starts
/// after (next) or ends before (previous); clients pass them back unchanged.
/// </summary>
internal static class Cursor
{
    public static string Encode(string kind, string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(kind + ":" + position));

    /// <summary>Decodes a cursor of <paramref name="kind"/>; a malformed one is a 400 on <paramref name="field"/>.</summary>
    public static string Decode(string kind, string cursor, string field)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith(kind + ":", StringComparison.Ordinal))
            {
                return text[(kind.Length + 1)..];
            }
        }
        catch (FormatException)
        {
        }

        throw ApiException.Validation(field, "is not a valid cursor");
    }
}
