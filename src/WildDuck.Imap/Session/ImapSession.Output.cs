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
        w.WriteTagged(TagBytes, status, code, text);
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

    /// <summary>The failures a command ends with; anything else (the client is gone, shutdown) ends the session.</summary>
    private static bool IsCommandFailure(Exception ex) =>
        ex is not ConnectionClosedException and not System.IO.IOException and not OperationCanceledException;

    /// <summary>
    /// Answers a command that failed (<see cref="IsCommandFailure"/>) with its tagged completion
    /// (<see cref="Outcome"/>); false ends the session. When part of an untagged response is
    /// already out (half a FETCH literal), no completion can follow that the client would not
    /// take for data: the connection is closed instead, and the client reconnects and resyncs.
    /// </summary>
    private async ValueTask<bool> FailCommandAsync(Exception ex, string command)
    {
        var (status, code, text) = Outcome(ex, command);
        if (_responseOpen)
        {
            _responseOpen = false;
            LogResponseAborted(command);
            throw new ConnectionClosedException();
        }

        WriteTagged(status, code, text);
        await FlushAsync().ConfigureAwait(false);
        return status == ImapStatus.Bad ? await CountBadAsync().ConfigureAwait(false) : _state != ImapState.Logout;
    }

    /// <summary>
    /// The tagged completion of a failed command: BAD for the client's protocol errors; NO with
    /// the RFC 5530 code of a refused storage operation; <c>NO [UNAVAILABLE]</c> when the store
    /// cannot serve (nothing was changed; the session stays usable); <c>NO [SERVERBUG]</c> for
    /// anything unexpected. Faults are logged; clients get fixed texts, never exception details.
    /// </summary>
    private (ImapStatus Status, byte[] Code, string Text) Outcome(Exception ex, string command)
    {
        switch (ex)
        {
            case ImapBadException bad:
                return (ImapStatus.Bad, bad.Code.ToArray(), bad.Message);
            case ImapNoException no:
                return (ImapStatus.No, no.Code.ToArray(), no.Message);
            case StorageException { Error: StorageError.Unavailable }:
                LogStoreUnavailable(ex, command);
                return (ImapStatus.No, "UNAVAILABLE"u8.ToArray(), "The mail store is temporarily unavailable, try again later");
            case StorageException storage:
                // Storage messages are fixed texts written for people (never exception dumps).
                return (ImapStatus.No, StorageCode(storage.Error).ToArray(), storage.Message);
            default:
                LogCommandFailed(ex, command);
                return (ImapStatus.No, "SERVERBUG"u8.ToArray(), "Internal error, the command was not completed");
        }
    }

    private static ReadOnlySpan<byte> StorageCode(StorageError error) => error switch
    {
        StorageError.NotFound => "NONEXISTENT"u8,
        StorageError.AlreadyExists => "ALREADYEXISTS"u8,
        StorageError.OverQuota => "OVERQUOTA"u8,
        StorageError.Limit => "LIMIT"u8,
        StorageError.TooBig => "TOOBIG"u8,
        StorageError.Conflict => "INUSE"u8,
        _ => "CANNOT"u8,
    };
}
