// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Storage;

namespace WildDuck.Api.Internal;

/// <summary>One page of a list and the cursors around it.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, long Total, string? Next, string? Previous);

/// <summary>Where a keyset page over ids starts: after <see cref="Next"/> or before <see cref="Previous"/> in list order.</summary>
internal readonly record struct IdPosition(EntityId? Next, EntityId? Previous);

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

    /// <summary>
    /// The position of a keyset page over a store list ordered by id: the id the next page continues after
    /// (<c>next</c> cursor), or the id the previous page ends before (<c>previous</c> cursor); neither for the first.
    /// </summary>
    public static IdPosition IdCursors(ApiCall call, string kind)
    {
        EntityId? next = call.Input.String("next") is { } text ? CursorId(kind, text, "next") : null;
        EntityId? previous = next is null && call.Input.String("previous") is { } back ? CursorId(kind, back, "previous") : null;
        return new IdPosition(next, previous);
    }

    /// <summary>
    /// A page from a store read of <c>limit + 1</c> items at <paramref name="position"/> (one item more tells whether
    /// another page follows in the direction read), in list order; the surplus item is dropped.
    /// </summary>
    public static Page<T> IdPage<T>(IdPosition position, IReadOnlyList<T> read, long total, Func<T, EntityId> id, string kind, int limit)
    {
        var items = new List<T>(read);
        bool more = items.Count > limit;
        bool backwards = position.Previous is not null;
        if (more)
        {
            // Reading backwards the surplus item is the first in list order; forwards, the last.
            items.RemoveAt(backwards ? 0 : items.Count - 1);
        }

        bool hasNext = backwards || more;
        bool hasPrevious = position.Next is not null || (backwards && more);
        var next = hasNext && items.Count > 0 ? Cursor.Encode(kind, id(items[^1]).ToString()) : null;
        var previous = hasPrevious && items.Count > 0 ? Cursor.Encode(kind, id(items[0]).ToString()) : null;
        return new Page<T>(items, total, next, previous);
    }

    private static EntityId CursorId(string kind, string cursor, string field) =>
        EntityId.TryParse(Cursor.Decode(kind, cursor, field), out var id) ? id : throw ApiException.Validation(field, "is not a valid cursor");

    /// <summary>
    /// How many earlier page starts a forward-only cursor remembers for <c>previous</c>; going back
    /// further returns to the first page.
    /// </summary>
    private const int ForwardCursorHistory = 16;

    /// <summary>
    /// A page of a store that lists forward only, in key order, after a key (users by username,
    /// forwarded addresses by address view). A cursor holds the key the page starts after followed
    /// by earlier page starts, so <c>previous</c> works without a backward listing. <c>total</c> is
    /// the number of results on the page (the stores do not count cheaply).
    /// </summary>
    public static async Task ForwardOnlyAsync<T>(ApiCall call, string kind, Func<string?, int, Task<IReadOnlyList<T>>> list, Func<T, string> key, Func<T, JsonNode> describe)
    {
        // Position: the key the page starts after ("" = the beginning), then earlier page starts.
        string after = string.Empty;
        var history = new List<string>();
        var cursor = call.Input.String("next") is { } next ? (Text: next, Field: "next") : call.Input.String("previous") is { } previous ? (Text: previous, Field: "previous") : default;
        if (cursor.Text is not null)
        {
            var lines = Cursor.Decode(kind, cursor.Text, cursor.Field).Split('\n');
            after = lines[0];
            history.AddRange(lines[1..]);
        }

        int limit = call.PageLimit;
        var items = await list(after.Length == 0 ? null : after, limit + 1).ConfigureAwait(false);
        bool more = items.Count > limit;
        var results = new JsonArray();
        for (int i = 0; i < items.Count && i < limit; i++)
        {
            results.Add(describe(items[i]));
        }

        string? nextCursor = null;
        if (more)
        {
            var chain = new List<string> { key(items[limit - 1]), after };
            chain.AddRange(history);
            nextCursor = Cursor.Encode(kind, string.Join('\n', chain.GetRange(0, Math.Min(chain.Count, ForwardCursorHistory + 1))));
        }

        string? previousCursor = after.Length == 0 ? null : Cursor.Encode(kind, string.Join('\n', history.Count == 0 ? new List<string> { string.Empty } : history));
        var body = Response(new Page<T>(items, -1, nextCursor, previousCursor), call, results);
        body["total"] = results.Count;
        await call.OkAsync(body).ConfigureAwait(false);
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
