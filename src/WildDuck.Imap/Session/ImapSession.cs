// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using WildDuck.Hosting;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;

namespace WildDuck.Imap.Session;

/// <summary>
/// One IMAP connection: the read loop, the state table gate, dispatch to the command handlers and
/// the release of untagged updates. The session keeps only its login, its selected mailbox's UID
/// list and MODSEQ, and per-connection flags; everything else comes from storage.
/// </summary>
/// <remarks>
/// Only the session task writes to the connection, so responses never interleave: change
/// notifications merely set a flag (and, during IDLE, cancel the pending read to wake the loop).
/// </remarks>
internal sealed partial class ImapSession : IAsyncDisposable
{
    private readonly ImapServer _server;
    private readonly MailConnection _connection;
    private readonly ConnectionTimer _timer;
    private ImapFrameReader _reader;
    private PipeReader _input;
    private PipeWriter _output;
    private ImapState _state = ImapState.NotAuthenticated;
    private UserRecord? _user;
    private ConnectionLease? _connectionLease;
    private IDisposable? _subscription;
    private IDisposable? _logoutRegistration;

    /// <summary>Set by a forced logout: the BYE text instead of the shutdown one.</summary>
    private volatile string? _forcedLogout;
    private SelectedMailbox? _selected;
    private bool _utf8Accept;
    private bool _condStore;
    private bool _compressed;
    private int _badCommands;
    private int _changed;
    private volatile bool _idling;
    private volatile bool _stopping;
    private bool _discardContinuation;

    /// <summary>Part of an untagged response is written (a FETCH with literals); a failure now cannot be answered.</summary>
    private bool _responseOpen;

    /// <summary>Parsed command bodies this session reuses for repeated commands of the same shape.</summary>
    private readonly ImapCommandCache _commandCache = new();

    /// <summary>The current command's tag as sent, in a reused buffer (<see cref="TagBytes"/>).</summary>
    private byte[] _tagBuffer = [(byte)'*', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private int _tagLength = 1;

    public ImapSession(ImapServer server, MailConnection connection)
    {
        _server = server;
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _reader = new ImapFrameReader(_input, server.Options.Limits);
        _timer = new ConnectionTimer(connection, server.Time);
    }

    /// <summary>The current command's tag ("*" when it was not readable).</summary>
    private ReadOnlySpan<byte> TagBytes => _tagBuffer.AsSpan(0, _tagLength);

    private ImapParserContext ParserContext => new(_utf8Accept, _state != ImapState.NotAuthenticated);

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var stopping = serverStopping.Register(static s => ((ImapSession)s!).OnServerStopping(), this);
        try
        {
            WriteGreeting();
            await FlushAsync().ConfigureAwait(false);
            while (_state != ImapState.Logout)
            {
                _timer.Arm(_state == ImapState.NotAuthenticated ? _server.Options.PreAuthTimeout : _server.Options.IdleTimeout);
                var result = await _reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                if (result.Kind != ImapReadKind.Canceled)
                {
                    // Not on a cancelled read: Disarm clears TimedOut, which ProcessAsync needs to
                    // tell the autologout (RFC 3501 §5.4) from other wake-ups; the loop re-arms anyway.
                    _timer.Disarm();
                }

                if (!await ProcessAsync(result).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (ConnectionClosedException)
        {
            // The client went away or stopped reading; nothing more to say.
        }
        catch (IOException ex)
        {
            LogIoError(ex);
        }
        catch (OperationCanceledException) when (_connection.ConnectionClosed.IsCancellationRequested || _stopping || _timer.TimedOut)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _logoutRegistration?.Dispose();
        if (_connectionLease is not null)
        {
            await _connectionLease.DisposeAsync().ConfigureAwait(false);
        }

        _timer.Dispose();
        _reader.Dispose();
        if (_compressed && _connection.Transport is IAsyncDisposable deflate)
        {
            await deflate.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Handles one read result; false ends the session.</summary>
    private async ValueTask<bool> ProcessAsync(ImapReadResult result)
    {
        while (true)
        {
            switch (result.Kind)
            {
                case ImapReadKind.Canceled:
                    if (_stopping)
                    {
                        await ByeAsync(StopReason).ConfigureAwait(false);
                        return false;
                    }

                    if (_timer.TimedOut)
                    {
                        // RFC 3501 §5.4: autologout after inactivity.
                        await ByeAsync("Autologout; idle for too long").ConfigureAwait(false);
                        return false;
                    }

                    return true;

                case ImapReadKind.EndOfStream:
                    return false;

                case ImapReadKind.Error:
                    return await FrameErrorAsync(result).ConfigureAwait(false);

                case ImapReadKind.LiteralAnnounced:
                    var next = await LiteralAnnouncedAsync(result).ConfigureAwait(false);
                    if (next is not { } followUp)
                    {
                        return true;
                    }

                    result = followUp;
                    continue;

                default:
                    if (result.IsContinuation && _discardContinuation)
                    {
                        // The rest of a line whose literal was refused and skipped.
                        _discardContinuation = false;
                        return true;
                    }

                    return await CommandAsync(result.Command).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<bool> CommandAsync(ReadOnlyMemory<byte> bytes)
    {
        var parsed = ImapCommandParser.Parse(bytes.Span, ParserContext, _commandCache, out var tagLength);
        SetTag(tagLength > 0 ? bytes.Span[..tagLength] : "*"u8);
        if (!parsed.IsSuccess)
        {
            WriteTagged(ImapStatus.Bad, default, parsed.ErrorText);
            await FlushAsync().ConfigureAwait(false);
            return await CountBadAsync().ConfigureAwait(false);
        }

        var command = parsed.Command!;
        if (!ImapStateTable.IsAllowed(command, _state))
        {
            WriteTagged(ImapStatus.Bad, default, _state == ImapState.NotAuthenticated ? "Log in first" : "Command not valid in this state");
            await FlushAsync().ConfigureAwait(false);
            return await CountBadAsync().ConfigureAwait(false);
        }

        _badCommands = 0;
        _responseOpen = false;
        try
        {
            await DispatchAsync(command).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCommandFailure(ex))
        {
            return await FailCommandAsync(ex, command.GetType().Name).ConfigureAwait(false);
        }

        return _state != ImapState.Logout;
    }

    private async ValueTask DispatchAsync(ImapCommand command)
    {
        switch (command)
        {
            case CapabilityCommand:
                await CapabilityAsync().ConfigureAwait(false);
                break;
            case NoopCommand:
                await NoopAsync().ConfigureAwait(false);
                break;
            case LogoutCommand:
                await LogoutAsync().ConfigureAwait(false);
                break;
            case IdCommand id:
                await IdAsync(id).ConfigureAwait(false);
                break;
            case StartTlsCommand:
                await StartTlsAsync().ConfigureAwait(false);
                break;
            case LoginCommand login:
                await LoginAsync(login).ConfigureAwait(false);
                break;
            case AuthenticateCommand authenticate:
                await AuthenticateAsync(authenticate).ConfigureAwait(false);
                break;
            case EnableCommand enable:
                await EnableAsync(enable).ConfigureAwait(false);
                break;
            case CompressCommand compress:
                await CompressAsync(compress).ConfigureAwait(false);
                break;
            case NamespaceCommand:
                await NamespaceAsync().ConfigureAwait(false);
                break;
            case SelectCommand select:
                await SelectAsync(select).ConfigureAwait(false);
                break;
            case CreateCommand create:
                await CreateAsync(create).ConfigureAwait(false);
                break;
            case DeleteCommand delete:
                await DeleteAsync(delete).ConfigureAwait(false);
                break;
            case RenameCommand rename:
                await RenameAsync(rename).ConfigureAwait(false);
                break;
            case SubscribeCommand subscribe:
                await SubscribeAsync(subscribe.Mailbox, true).ConfigureAwait(false);
                break;
            case UnsubscribeCommand unsubscribe:
                await SubscribeAsync(unsubscribe.Mailbox, false).ConfigureAwait(false);
                break;
            case ListCommand list:
                await ListAsync(list).ConfigureAwait(false);
                break;
            case LsubCommand lsub:
                await LsubAsync(lsub).ConfigureAwait(false);
                break;
            case StatusCommand status:
                await StatusAsync(status).ConfigureAwait(false);
                break;
            case AppendCommand append:
                await AppendInlineAsync(append).ConfigureAwait(false);
                break;
            case IdleCommand:
                await IdleAsync().ConfigureAwait(false);
                break;
            case GetQuotaCommand quota:
                await GetQuotaAsync(quota).ConfigureAwait(false);
                break;
            case GetQuotaRootCommand quotaRoot:
                await GetQuotaRootAsync(quotaRoot).ConfigureAwait(false);
                break;
            case SetQuotaCommand:
                await SetQuotaAsync().ConfigureAwait(false);
                break;
            case CheckCommand:
                await CheckAsync().ConfigureAwait(false);
                break;
            case CloseCommand:
                await CloseAsync().ConfigureAwait(false);
                break;
            case UnselectCommand:
                await UnselectAsync().ConfigureAwait(false);
                break;
            case ExpungeCommand:
                await ExpungeAsync(null).ConfigureAwait(false);
                break;
            case UidExpungeCommand uidExpunge:
                await ExpungeAsync(uidExpunge.Set).ConfigureAwait(false);
                break;
            case SearchCommand search:
                await SearchAsync(search).ConfigureAwait(false);
                break;
            case FetchCommand fetch:
                await FetchAsync(fetch).ConfigureAwait(false);
                break;
            case StoreCommand store:
                await StoreAsync(store).ConfigureAwait(false);
                break;
            case CopyCommand copy:
                await CopyAsync(copy.IsUid, copy.Set, copy.Mailbox, move: false).ConfigureAwait(false);
                break;
            case MoveCommand move:
                await CopyAsync(move.IsUid, move.Set, move.Mailbox, move: true).ConfigureAwait(false);
                break;
            default:
                throw new ImapBadException("Unknown command");
        }
    }

    private async ValueTask<bool> CountBadAsync()
    {
        if (++_badCommands < _server.Options.MaxBadCommands)
        {
            return true;
        }

        await ByeAsync("Too many invalid commands").ConfigureAwait(false);
        return false;
    }

    private async ValueTask<bool> FrameErrorAsync(ImapReadResult result)
    {
        SetTag(result.Tag);
        var text = result.Error switch
        {
            FrameError.LineTooLong => "Line too long",
            FrameError.CommandTooLarge => "Command too large",
            FrameError.TooManyLiterals => "Too many literals",
            FrameError.LiteralTooLarge => "Literal too large",
            _ => "Invalid literal",
        };
        var code = result.Error is FrameError.LineTooLong or FrameError.CommandTooLarge or FrameError.LiteralTooLarge ? "TOOBIG"u8 : default;
        if (result.Error == FrameError.TooManyLiterals)
        {
            code = "LIMIT"u8;
        }

        WriteTagged(ImapStatus.Bad, code, text);
        await FlushAsync().ConfigureAwait(false);
        return await CountBadAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Decides on an announced literal before any of its bytes are read: stream it (APPEND),
    /// accept it inline (small arguments), or refuse it. Returns the next read result when the
    /// literal was accepted inline, or null when the command was handled or refused.
    /// </summary>
    private async ValueTask<ImapReadResult?> LiteralAnnouncedAsync(ImapReadResult result)
    {
        var status = ImapCommandParser.TryParseAppendPrefix(result.Command.Span, ParserContext, out var prefix, out var failure);
        if (status == AppendPrefixStatus.Ok && _state is ImapState.Authenticated or ImapState.Selected)
        {
            await AppendStreamAsync(prefix!, result).ConfigureAwait(false);
            return null;
        }

        if (status == AppendPrefixStatus.Invalid)
        {
            SetTag(failure.Tag);
            await RefuseLiteralAsync(result, ImapStatus.Bad, default, failure.ErrorText).ConfigureAwait(false);
            return null;
        }

        if (!result.LiteralFitsInline)
        {
            SetTag(TagOf(result.Command.Span));
            await RefuseLiteralAsync(result, ImapStatus.Bad, "TOOBIG"u8.ToArray(), "Literal too large").ConfigureAwait(false);
            return null;
        }

        if (!result.LiteralNonSync)
        {
            WriteContinuation("Ready for literal data");
            await FlushAsync().ConfigureAwait(false);
        }

        ArmCommandTimer();
        var next = await _reader.AcceptLiteralAsync().ConfigureAwait(false);
        if (next.Kind != ImapReadKind.Canceled)
        {
            // A cancelled read is left armed so ProcessAsync sees the timeout and says BYE.
            _timer.Disarm();
        }

        return next;
    }

    /// <summary>
    /// Arms the inactivity timer while the session waits for client data in the middle of a
    /// command (a literal, a SASL response): a client that stalls after a continuation is timed
    /// out like an idle one (RFC 3501 §5.4), instead of holding the connection open for ever.
    /// </summary>
    private void ArmCommandTimer() => _timer.Arm(_state == ImapState.NotAuthenticated ? _server.Options.PreAuthTimeout : _server.Options.IdleTimeout);

    /// <summary>Ends the session from inside a command whose read was cancelled (timeout or shutdown).</summary>
    private async ValueTask<Exception> AbortCancelledReadAsync()
    {
        await ByeAsync(_stopping ? StopReason : "Autologout; idle for too long").ConfigureAwait(false);
        return new ConnectionClosedException();
    }

    /// <summary>
    /// Refuses a literal: a synchronising one is never sent by the client (RFC 3501 §7.5); a
    /// non-synchronising one (RFC 7888) is read and discarded with the rest of its line.
    /// </summary>
    private async ValueTask RefuseLiteralAsync(ImapReadResult result, ImapStatus status, ReadOnlyMemory<byte> code, string text)
    {
        if (result.LiteralNonSync)
        {
            ArmCommandTimer();
            try
            {
                await _reader.SkipLiteralAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_timer.TimedOut || _stopping)
            {
                throw await AbortCancelledReadAsync().ConfigureAwait(false);
            }
            catch (EndOfStreamException)
            {
                throw new ConnectionClosedException();
            }

            if (_timer.TimedOut || _stopping)
            {
                // The skip ended on a cancelled read: the client stalled inside the literal.
                throw await AbortCancelledReadAsync().ConfigureAwait(false);
            }

            _timer.Disarm();
            _discardContinuation = true;
        }
        else
        {
            _reader.RejectLiteral();
        }

        WriteTagged(status, code.Span, text);
        await FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Makes <paramref name="tag"/> the current tag (copied into the reused buffer).</summary>
    private void SetTag(ReadOnlySpan<byte> tag)
    {
        if (tag.Length > _tagBuffer.Length)
        {
            _tagBuffer = new byte[Math.Max(tag.Length, _tagBuffer.Length * 2)];
        }

        tag.CopyTo(_tagBuffer);
        _tagLength = tag.Length;
    }

    /// <summary>Makes <paramref name="tag"/> (ASCII tag characters; null: "*") the current tag.</summary>
    private void SetTag(string? tag)
    {
        tag ??= "*";
        if (tag.Length > _tagBuffer.Length)
        {
            _tagBuffer = new byte[Math.Max(tag.Length, _tagBuffer.Length * 2)];
        }

        _tagLength = Encoding.ASCII.GetBytes(tag, _tagBuffer);
    }

    private static string TagOf(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var tag = space > 0 ? line[..space] : line;
        return tag.IsEmpty || tag.Length > 64 ? "*" : Encoding.ASCII.GetString(tag);
    }

    /// <summary>Why the session is stopping: a forced logout's reason, else the server shutdown.</summary>
    private string StopReason => _forcedLogout ?? "Server shutting down";

    /// <summary>
    /// A forced logout of the user (<see cref="IUserSessions"/>): the session stops as at shutdown,
    /// saying BYE with the reason at its next read (at once when idle or in IDLE).
    /// </summary>
    private void OnForcedLogout(string reason)
    {
        _forcedLogout = reason;
        OnServerStopping();
    }

    private void OnServerStopping()
    {
        _stopping = true;
        try
        {
            _connection.Transport.Input.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
            // The input was completed already.
        }
    }

    /// <summary>Notifier callback: cheap, never throws; wakes an IDLE loop.</summary>
    private void OnMailboxChanged()
    {
        Volatile.Write(ref _changed, 1);
        if (_idling)
        {
            try
            {
                _connection.Transport.Input.CancelPendingRead();
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private async ValueTask ByeAsync(string text)
    {
        try
        {
            WriteUntagged(ImapStatus.Bye, default, text);
            await FlushAsync().ConfigureAwait(false);
        }
        catch (ConnectionClosedException)
        {
        }

        _state = ImapState.Logout;
    }

    private void LogIoError(IOException ex) => _server.Logger.LogDebug(ex, "IMAP connection {Id} I/O error", _connection.Id);

    private void LogCommandFailed(Exception ex, string command) => _server.Logger.LogError(ex, "IMAP command {Command} failed on connection {Id}", command, _connection.Id);

    private void LogStoreUnavailable(Exception ex, string command) => _server.Logger.LogWarning(ex, "IMAP command {Command} on connection {Id} failed: the store is unavailable", command, _connection.Id);

    private void LogResponseAborted(string command) => _server.Logger.LogWarning("IMAP command {Command} failed in the middle of a response on connection {Id}; closing the connection", command, _connection.Id);

    private void LogUpdatesDeferred(Exception ex) => _server.Logger.LogDebug(ex, "IMAP connection {Id} could not read the journal; updates wait for the next command", _connection.Id);
}
