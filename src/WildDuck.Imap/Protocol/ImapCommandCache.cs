// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// A small per-session cache of parsed command bodies, keyed by the exact bytes after the tag, so a
/// client repeating a command of the same shape (<c>UID FETCH 1:* (FLAGS)</c>, <c>NOOP</c>, an
/// identical <c>UID SEARCH</c>) gets the same immutable command object back without parsing or
/// allocating (Kestrel-style per-connection reuse).
/// </summary>
/// <remarks>
/// Only commands whose parse does not depend on <see cref="ImapParserContext"/> and that carry no
/// literal are cached (FETCH, STORE, SEARCH, NOOP, IDLE, CHECK, EXPUNGE and their UID forms);
/// their objects are immutable, so sharing them across commands is safe. Not thread-safe: one
/// instance per session, used by its command loop only.
/// </remarks>
internal sealed class ImapCommandCache
{
    /// <summary>Bodies longer than this are not cached (bounds the memory per connection).</summary>
    public const int MaxKeyLength = 512;

    private const int Capacity = 8;
    // Allocated on first Add: a connection that only logs in and idles never needs them, and
    // 10,000 idle connections are a target (issue #3).
    private byte[]?[]? _keys;
    private ImapCommand?[]? _commands;
    private int _next;

    /// <summary>True when <paramref name="body"/> is short enough and has no literal.</summary>
    public static bool IsCacheable(ReadOnlySpan<byte> body) =>
        body.Length <= MaxKeyLength && body.IndexOfAny((byte)'\r', (byte)'\n') < 0;

    /// <summary>True when <paramref name="command"/> may be shared by every line with the same body.</summary>
    public static bool IsCacheable(ImapCommand command) =>
        command is FetchCommand or StoreCommand or SearchCommand or NoopCommand or IdleCommand or CheckCommand or ExpungeCommand;

    /// <summary>The command cached for <paramref name="body"/>, or null.</summary>
    public ImapCommand? Find(ReadOnlySpan<byte> body)
    {
        if (_keys is not { } keys)
        {
            return null;
        }

        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key && body.SequenceEqual(key))
            {
                return _commands![i];
            }
        }

        return null;
    }

    /// <summary>Caches <paramref name="command"/> for <paramref name="body"/>, replacing the oldest entry when full.</summary>
    public void Add(ReadOnlySpan<byte> body, ImapCommand command)
    {
        var keys = _keys ??= new byte[]?[Capacity];
        var commands = _commands ??= new ImapCommand?[Capacity];
        keys[_next] = body.ToArray();
        commands[_next] = command;
        _next = (_next + 1) % Capacity;
    }
}
