// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Hosting;
using WildDuck.Pop3.Protocol;
using WildDuck.Storage;

namespace WildDuck.Pop3.Session;

/// <summary>
/// One POP3 connection (RFC 1939): the read loop, the state gate and dispatch. Responses to
/// pipelined commands (RFC 2449 §6.6) are buffered and flushed together when no more input is
/// waiting. Nothing in the store changes before QUIT; a dropped connection changes nothing
/// (RFC 1939 §6).
/// </summary>
internal sealed partial class Pop3Session : IAsyncDisposable
{
    private readonly Pop3Server _server;
    private readonly MailConnection _connection;
    private readonly ConnectionTimer _timer;
    private readonly byte[] _line;
    private readonly CancellationTokenSource _sendDeadline;
    private readonly Func<CancellationToken> _armSendDeadline;
    private PipeReader _input;
    private PipeWriter _output;
    private LineFramer _framer;
    private bool _needMore;
    private bool _done;
    private bool _multiLineStarted;
    private bool _aborted;
    private volatile bool _stopping;

    /// <summary>Set by a forced logout: the -ERR text instead of the shutdown one.</summary>
    private volatile string? _forcedLogout;
    private IDisposable? _logoutRegistration;
    private Pop3States _state = Pop3States.Authorization;
    private string? _pendingUser;
    private UserRecord? _user;
    private Maildrop? _maildrop;
    private ConnectionLease? _lock;

    public Pop3Session(Pop3Server server, MailConnection connection)
    {
        _server = server;
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _timer = new ConnectionTimer(connection, server.Time);
        _sendDeadline = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        _armSendDeadline = ArmSendDeadline;
        _line = ArrayPool<byte>.Shared.Rent(Math.Max(server.Options.MaxCommandLength, server.Options.MaxAuthResponseLength));
    }

    private enum ReadKind
    {
        Line,
        TooLong,
        Closed,
        Stopped,
    }

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var stopping = serverStopping.Register(static s => ((Pop3Session)s!).OnServerStopping(), this);
        try
        {
            WriteGreeting();
            while (!_done)
            {
                var (kind, length) = await ReadLineAsync(_server.Options.MaxCommandLength).ConfigureAwait(false);
                switch (kind)
                {
                    case ReadKind.Line:
                        await ExecuteAsync(length).ConfigureAwait(false);
                        break;
                    case ReadKind.TooLong:
                        // RFC 2449 §4: commands are at most 255 octets; the session stays usable.
                        Err(default, "Line too long"u8);
                        break;
                    case ReadKind.Closed:
                        // The client closed its side (it may still read): send what is pending. No UPDATE.
                        await FlushAsync().ConfigureAwait(false);
                        return;
                    default:
                        return;
                }
            }

            if (!_aborted)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (ClientGoneException)
        {
        }
        catch (IOException ex)
        {
            Pop3Log.IoError(_server.Logger, _connection.Id, ex);
        }
        catch (OperationCanceledException) when (_sendDeadline.IsCancellationRequested && !_connection.ConnectionClosed.IsCancellationRequested)
        {
            // The client stopped reading a response for IdleTimeout (RFC 1939 §3 inactivity): it
            // cannot be told, so drop it. Nothing is updated.
            Pop3Log.TimedOut(_server.Logger, _connection.Id);
            _connection.Abort();
        }
        catch (OperationCanceledException) when (_connection.ConnectionClosed.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        DisposePrefetched();
        _logoutRegistration?.Dispose();
        _timer.Dispose();
        _sendDeadline.Dispose();
        ArrayPool<byte>.Shared.Return(_line);
        if (_lock is { } held)
        {
            _lock = null;
            await held.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the next line into <see cref="_line"/>. Flushes pending responses only before it has to
    /// wait for input, and arms the inactivity timer (RFC 1939 §3) for that wait. On a timeout or
    /// server shutdown it says goodbye and returns <see cref="ReadKind.Stopped"/>.
    /// </summary>
    private async ValueTask<(ReadKind Kind, int Length)> ReadLineAsync(int maxLength)
    {
        while (true)
        {
            ReadResult result;
            if (_needMore || !_input.TryRead(out result))
            {
                await FlushAsync().ConfigureAwait(false);
                _timer.Arm(_state == Pop3States.Authorization ? _server.Options.PreAuthTimeout : _server.Options.IdleTimeout);
                result = await _input.ReadAsync().ConfigureAwait(false);
                if (!result.IsCanceled)
                {
                    _timer.Disarm();
                }
            }

            if (result.IsCanceled)
            {
                _input.AdvanceTo(result.Buffer.Start);
                if (_stopping || _timer.TimedOut)
                {
                    await GoodbyeAsync().ConfigureAwait(false);
                    return (ReadKind.Stopped, 0);
                }

                continue;
            }

            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            var status = _framer.TryFrame(ref reader, maxLength, out var line);
            switch (status)
            {
                case LineStatus.Line:
                    // Copy the line out, then release the pipe before any await (style.md §3.1, rule 3).
                    // The length too: after AdvanceTo the sequence's segments may already be reused.
                    var length = (int)line.Length;
                    line.CopyTo(_line);
                    _input.AdvanceTo(reader.Position);
                    _needMore = false;
                    return (ReadKind.Line, length);
                case LineStatus.TooLong:
                    _input.AdvanceTo(reader.Position);
                    _needMore = false;
                    return (ReadKind.TooLong, 0);
                default:
                    _input.AdvanceTo(reader.Position, buffer.End);
                    if (result.IsCompleted)
                    {
                        return (ReadKind.Closed, 0);
                    }

                    _needMore = true;
                    break;
            }
        }
    }

    private async ValueTask ExecuteAsync(int length)
    {
        var command = Pop3Command.Parse(_line.AsSpan(0, length));
        if (command.Kind == Pop3CommandKind.Unknown)
        {
            // Unlike WildDuck, an unknown command does not end the session (RFC 1939 §3 only asks for -ERR).
            Err(default, "Unknown command"u8);
            return;
        }

        if ((Pop3Command.AllowedStates(command.Kind) & _state) == 0)
        {
            Err(default, _state == Pop3States.Authorization ? "Log in first"u8 : "Command not valid in this state"u8);
            return;
        }

        var arguments = new ArraySegment<byte>(_line, command.ArgumentsStart, length - command.ArgumentsStart);
        try
        {
            switch (command.Kind)
            {
                case Pop3CommandKind.Capa:
                    Capa();
                    break;
                case Pop3CommandKind.Quit:
                    await QuitAsync().ConfigureAwait(false);
                    break;
                case Pop3CommandKind.Stls:
                    await StlsAsync().ConfigureAwait(false);
                    break;
                case Pop3CommandKind.User:
                    User(arguments);
                    break;
                case Pop3CommandKind.Pass:
                    await PassAsync(arguments).ConfigureAwait(false);
                    break;
                case Pop3CommandKind.Auth:
                    await AuthAsync(arguments).ConfigureAwait(false);
                    break;
                case Pop3CommandKind.Stat:
                    Stat();
                    break;
                case Pop3CommandKind.List:
                    List(arguments, uniqueIds: false);
                    break;
                case Pop3CommandKind.Uidl:
                    List(arguments, uniqueIds: true);
                    break;
                case Pop3CommandKind.Retr:
                    await RetrieveAsync(arguments, top: false).ConfigureAwait(false);
                    break;
                case Pop3CommandKind.Top:
                    await RetrieveAsync(arguments, top: true).ConfigureAwait(false);
                    break;
                case Pop3CommandKind.Dele:
                    Dele(arguments);
                    break;
                case Pop3CommandKind.Rset:
                    Rset();
                    break;
                case Pop3CommandKind.Noop:
                    Ok(default);
                    break;
            }
        }
        catch (Exception ex) when (ex is not ClientGoneException and not IOException and not OperationCanceledException)
        {
            // A storage or server fault: log it, answer with a fixed text (never the exception's message).
            Pop3Log.CommandFailed(_server.Logger, command.Kind, _connection.Id, ex);
            if (_multiLineStarted)
            {
                // Half a multi-line response cannot be completed or taken back (RFC 1939 §3): drop
                // the connection so the client cannot take it for the message. Nothing is updated.
                _done = true;
                _aborted = true;
                _connection.Abort();
                return;
            }

            Err("SYS/TEMP"u8, ex is StorageException ? "Temporary storage problem, try again later"u8 : "Internal error, the command was not completed"u8);
        }
        finally
        {
            _multiLineStarted = false;
        }
    }

    /// <summary>
    /// A forced logout of the user (<see cref="IUserSessions"/>): the session ends as at shutdown
    /// (-ERR with the reason, no UPDATE state, RFC 1939 §6) at its next read.
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

    /// <summary>Ends the session on a timeout or shutdown: no UPDATE state (RFC 1939 §6), nothing changes.</summary>
    private async ValueTask GoodbyeAsync()
    {
        _done = true;
        try
        {
            if (_forcedLogout is { } reason)
            {
                Err("SYS/TEMP"u8, System.Text.Encoding.UTF8.GetBytes(reason));
            }
            else if (_stopping)
            {
                Err("SYS/TEMP"u8, "Server shutting down"u8);
            }
            else
            {
                Pop3Log.TimedOut(_server.Logger, _connection.Id);
                Err(default, "Disconnected for inactivity"u8);
            }

            if (!_aborted)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (ClientGoneException)
        {
        }
    }

    /// <summary>Flushes; a completed or cancelled flush means the client is gone (back-pressure otherwise).</summary>
    private async ValueTask FlushAsync()
    {
        if (_output.CanGetUnflushedBytes && _output.UnflushedBytes == 0)
        {
            return;
        }

        var result = await _output.FlushAsync(ArmSendDeadline()).ConfigureAwait(false);
        DisarmSendDeadline();
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new ClientGoneException();
        }
    }

    /// <summary>
    /// Bounds a send by <see cref="Pop3Options.IdleTimeout"/>: a client that stops reading is as
    /// inactive as one that stops writing. Also cancelled when the connection closes.
    /// </summary>
    private CancellationToken ArmSendDeadline()
    {
        _sendDeadline.CancelAfter(_server.Options.IdleTimeout);
        return _sendDeadline.Token;
    }

    private void DisarmSendDeadline() => _sendDeadline.CancelAfter(Timeout.InfiniteTimeSpan);

    private void Ok(ReadOnlySpan<byte> text) => Pop3ResponseWriter.WriteOk(_output, text);

    private void Err(ReadOnlySpan<byte> code, ReadOnlySpan<byte> text) => Pop3ResponseWriter.WriteErr(_output, code, text);
}

/// <summary>The connection was closed or stopped reading; ends the session quietly.</summary>
internal sealed class ClientGoneException : Exception
{
    public ClientGoneException()
        : base("The client closed the connection.")
    {
    }
}
