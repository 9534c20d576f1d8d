// SPDX-License-Identifier: MIT
using System;
using System.Threading.Tasks;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;

namespace WildDuck.Imap.Session;

/// <summary>The connection was closed or stopped reading; ends the session quietly.</summary>
internal sealed class ConnectionClosedException : Exception
{
    public ConnectionClosedException()
        : base("The connection is closed.")
    {
    }

    public ConnectionClosedException(string message)
        : base(message)
    {
    }

    public ConnectionClosedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Ends a command with a tagged BAD (a protocol error by the client).</summary>
internal sealed class ImapBadException : Exception
{
    private readonly byte[] _code;

    public ImapBadException(string message, ReadOnlySpan<byte> code = default)
        : base(message) => _code = code.ToArray();

    public ImapBadException()
        : this("Invalid command")
    {
    }

    public ImapBadException(string message, Exception inner)
        : base(message, inner) => _code = Array.Empty<byte>();

    public ReadOnlySpan<byte> Code => _code;
}

/// <summary>Ends a command with a tagged NO and a response code (RFC 5530).</summary>
internal sealed class ImapNoException : Exception
{
    private readonly byte[] _code;

    public ImapNoException(ReadOnlySpan<byte> code, string message)
        : base(message) => _code = code.ToArray();

    public ImapNoException()
        : this(default, "Command failed")
    {
    }

    public ImapNoException(string message)
        : this(default, message)
    {
    }

    public ImapNoException(string message, Exception inner)
        : base(message, inner) => _code = Array.Empty<byte>();

    public ReadOnlySpan<byte> Code => _code;
}

internal sealed partial class ImapSession
{
    private void WriteGreeting()
    {
        var w = new ImapResponseWriter(_output);
        w.WriteRaw("* OK [CAPABILITY "u8);
        w.WriteRaw(_server.PreAuthCapabilities(_connection));
        w.WriteRaw("] "u8);
        w.WriteText(_server.WildDuck.Hostname);
        w.WriteSpace();
        w.WriteText(_server.Options.ServerName);
        w.WriteRaw(" IMAP ready"u8);
        w.WriteCrlf();
        w.Commit();
    }

    private void WriteTagged(ImapStatus status, ReadOnlySpan<byte> code, string text)
    {
        var w = new ImapResponseWriter(_output);
        w.WriteTagged(_tag, status, code, text);
        w.Commit();
    }

    private void WriteUntagged(ImapStatus status, ReadOnlySpan<byte> code, string text)
    {
        var w = new ImapResponseWriter(_output);
        w.WriteUntagged(status, code, text);
        w.Commit();
    }

    private void WriteContinuation(string text)
    {
        var w = new ImapResponseWriter(_output);
        w.WriteContinuation(text);
        w.Commit();
    }

    /// <summary>Flushes; a completed or cancelled flush means the client is gone (back-pressure otherwise).</summary>
    private async ValueTask FlushAsync()
    {
        var result = await _output.FlushAsync(_connection.ConnectionClosed).ConfigureAwait(false);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new ConnectionClosedException();
        }
    }

    /// <summary>Writes pending updates, then the tagged completion, then flushes.</summary>
    private async ValueTask CompleteAsync(ImapStatus status, ReadOnlyMemory<byte> code, string text, bool allowExpunge = true)
    {
        await WriteUpdatesAsync(allowExpunge).ConfigureAwait(false);
        WriteTagged(status, code.Span, text);
        await FlushAsync().ConfigureAwait(false);
    }

    private ValueTask OkAsync(string text, bool allowExpunge = true) => CompleteAsync(ImapStatus.Ok, default, text, allowExpunge);

    /// <summary>Maps a refused storage operation to a tagged NO with its RFC 5530 response code.</summary>
    private async ValueTask FailAsync(StorageException ex)
    {
        var code = ex.Error switch
        {
            StorageError.NotFound => "NONEXISTENT"u8,
            StorageError.AlreadyExists => "ALREADYEXISTS"u8,
            StorageError.OverQuota => "OVERQUOTA"u8,
            StorageError.Limit => "LIMIT"u8,
            StorageError.TooBig => "TOOBIG"u8,
            StorageError.Conflict => "INUSE"u8,
            _ => "CANNOT"u8,
        };

        // Storage messages are fixed texts written for people (never exception dumps).
        WriteTagged(ImapStatus.No, code, ex.Message);
        await FlushAsync().ConfigureAwait(false);
    }
}
