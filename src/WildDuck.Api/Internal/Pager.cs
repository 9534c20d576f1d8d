// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace WildDuck.Api.Internal;

/// <summary>One page of a list and the cursors around it.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, long Total, string? Next, string? Previous);

/// <summary>
/// Cursor paging over a list already in order (a mailbox's UIDs, a user's addresses). A cursor is
/// a key, not an offset, so deleting or adding items does not shift the pages already handed out.
/// </summary>
internal static class Pager
{
    public static Page<T> Slice<T>(IReadOnlyList<T> ordered, Func<T, string> key, Comparison<string> compare, string kind, ApiCall call)
    {
        int limit = call.PageLimit;
        int start = 0;
        if (call.Input.String("next") is { } next)
        {
            var after = Cursor.Decode(kind, next, "next");
            while (start < ordered.Count && compare(key(ordered[start]), after) <= 0)
            {
                start++;
            }
        }
        else if (call.Input.String("previous") is { } previous)
        {
            var before = Cursor.Decode(kind, previous, "previous");
            int end = 0;
            while (end < ordered.Count && compare(key(ordered[end]), before) < 0)
            {
                end++;
            }

            start = Math.Max(0, end - limit);
        }

        int count = Math.Min(limit, ordered.Count - start);
        var items = new List<T>(Math.Max(count, 0));
        for (int i = start; i < start + count; i++)
        {
            items.Add(ordered[i]);
        }

        string? nextCursor = start + count < ordered.Count && count > 0 ? Cursor.Encode(kind, key(items[^1])) : null;
        string? previousCursor = start > 0 && start < ordered.Count ? Cursor.Encode(kind, key(ordered[start])) : null;
        return new Page<T>(items, ordered.Count, nextCursor, previousCursor);
    }

    /// <summary>The paged response: <c>{success, total, page, previousCursor, nextCursor, results}</c>.</summary>
    public static JsonObject Response<T>(Page<T> page, ApiCall call, JsonArray results) => new()
    {
        ["total"] = page.Total,
        ["page"] = call.Input.Integer("page") ?? 1,
        ["previousCursor"] = page.Previous is null ? false : page.Previous,
        ["nextCursor"] = page.Next is null ? false : page.Next,
        ["results"] = results,
    };
}
