// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using WildDuck.Hosting;
using WildDuck.Lmtp.Protocol;

namespace WildDuck.Lmtp.Session;

/// <summary>What the next input bytes are.</summary>
internal enum InputMode : byte
{
    /// <summary>Command lines.</summary>
    Command,

    /// <summary>DATA content up to <c>CRLF . CRLF</c>.</summary>
    Data,

    /// <summary>The octets of a BDAT chunk.</summary>
    Chunk,
}

/// <summary>
/// One LMTP connection (RFC 2033 over RFC 5321): the read loop, command dispatch, DATA and BDAT
/// streaming and the per-recipient replies.
/// </summary>
/// <remarks>
/// Replies are written to the output pipe as commands complete and flushed only when the session is
/// about to wait for input, so a pipelined group (RFC 2920 §3) is answered in one write. Each command
/// line is copied into a per-connection buffer and the pipe is advanced before any await (the
/// request is never held across the delivery agent).
/// </remarks>
internal sealed partial class LmtpSession : IDisposable
{
    /// <summary>Replies buffered while the client keeps pipelining before they are flushed anyway.</summary>
    private const int MaxUnflushedReplies = 16 * 1024;

    private readonly LmtpServer _server;
    private readonly MailConnection _connection;
    private readonly ConnectionTimer _timer;
    private readonly ILogger _logger;
    private readonly byte[] _command;
    private readonly MessageBuffer _message = new();
    private readonly List<AcceptedRecipient> _recipients = new();
    private readonly ArrayBufferWriter<byte> _received = new(512);
    private PipeReader _input;
    private PipeWriter _output;
    private LineFramer _framer;
    private DataDecoder _decoder;
    private InputMode _mode;
    private bool _needMore;
    private bool _quit;
    private volatile bool _stopping;
    private CancellationTokenSource _sendDeadline = new();
    private int _badCommands;
    private int _transactions;

    // Session and transaction state (RFC 5321 §3.3, §4.1.4).
    private byte[]? _lhloName;
    private bool _hasMail;
    private string _reversePath = string.Empty;
    private MailParameters _mail;
    private bool _chunking;

    // The BDAT chunk being read (RFC 3030 §2).
    private long _chunkSize;
    private long _chunkRemaining;
    private bool _chunkLast;
    private LmtpReply _chunkRefusal;

    public LmtpSession(LmtpServer server, MailConnection connection)
    {
        _server = server;
        _connection = connection;
        _logger = server.Logger;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _timer = new ConnectionTimer(connection, server.Time);
        _command = ArrayPool<byte>.Shared.Rent(server.MaxLineLength);
    }

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var stopping = serverStopping.Register(static s => ((LmtpSession)s!).OnServerStopping(), this);
        try
        {
            LmtpReplyWriter.WriteGreeting(_output, _server.Hostname);
            while (!_quit)
            {
                var result = await ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    _input.AdvanceTo(result.Buffer.Start);
                    if (_stopping)
                    {
                        Write(LmtpReply.ShuttingDown);
                        break;
                    }

                    if (_timer.TimedOut)
                    {
                        // RFC 5321 §4.5.3.2: the server may close after its timeout, with a 421.
                        LogTimeout(_connection.Id);
                        Write(LmtpReply.Timeout);
                        break;
                    }

                    continue;
                }

                switch (_mode)
                {
                    case InputMode.Data:
                        await DataAsync(result.Buffer).ConfigureAwait(false);
                        break;
                    case InputMode.Chunk:
                        await ChunkAsync(result.Buffer).ConfigureAwait(false);
                        break;
                    default:
                        await CommandAsync(result.Buffer).ConfigureAwait(false);
                        break;
                }

                if (result.IsCompleted && _needMore)
                {
                    // The client closed mid-command or mid-message: nothing was delivered.
                    break;
                }
            }

            await FlushAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            LogIoError(ex, _connection.Id);
        }
        catch (OperationCanceledException) when (_connection.ConnectionClosed.IsCancellationRequested || _stopping)
        {
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _sendDeadline.Dispose();
        _message.Dispose();
        ArrayPool<byte>.Shared.Return(_command);
    }

    private void OnServerStopping()
    {
        _stopping = true;
        _connection.Transport.Input.CancelPendingRead();
    }

    /// <summary>
    /// Returns buffered input at once when the last step consumed a whole unit; otherwise flushes
    /// the pending replies (the end of a pipelined group) and waits, under the inactivity timer.
    /// </summary>
    private async ValueTask<ReadResult> ReadAsync()
    {
        if (!_needMore && _input.TryRead(out var ready))
        {
            if (!_output.CanGetUnflushedBytes || _output.UnflushedBytes < MaxUnflushedReplies)
            {
                return ready;
            }

            // A client that pipelines without reading replies gets back-pressure, not an ever-growing
            // reply buffer: flush (and wait for the client to drain) before going on.
            _input.AdvanceTo(ready.Buffer.Start);
            await FlushAsync().ConfigureAwait(false);
        }

        await FlushAsync().ConfigureAwait(false);
        _timer.Arm(_server.Options.InactivityTimeout);
        var result = await _input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        if (!result.IsCanceled)
        {
            // A cancelled read keeps the timer's verdict for the loop to see.
            _timer.Disarm();
        }

        return result;
    }

    private async ValueTask FlushAsync()
    {
        if (_output.CanGetUnflushedBytes && _output.UnflushedBytes == 0)
        {
            return;
        }

        // A client that stops reading replies (while it may still be sending) must not hold the
        // session for ever: a send gets the inactivity timeout too.
        if (!_sendDeadline.TryReset())
        {
            _sendDeadline.Dispose();
            _sendDeadline = new CancellationTokenSource();
        }

        _sendDeadline.CancelAfter(_server.Options.InactivityTimeout);
        FlushResult flush;
        try
        {
            flush = await _output.FlushAsync(_sendDeadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new IOException("The client stopped reading replies.");
        }

        if (flush.IsCompleted || flush.IsCanceled)
        {
            throw new IOException("The client stopped reading.");
        }
    }

    private ValueTask CommandAsync(ReadOnlySequence<byte> buffer)
    {
        var status = _framer.TryRead(ref buffer, _server.MaxLineLength, out var line);
        if (status == LineStatus.NeedMore)
        {
            // examined = end: the framer saw everything; wake only when more bytes arrive.
            _input.AdvanceTo(buffer.Start, buffer.End);
            _needMore = true;
            return ValueTask.CompletedTask;
        }

        _needMore = false;
        if (status == LineStatus.TooLong)
        {
            _input.AdvanceTo(buffer.Start);
            Refuse(LmtpReply.LineTooLong);
            return ValueTask.CompletedTask;
        }

        var length = (int)line.Length;
        line.CopyTo(_command);
        _input.AdvanceTo(buffer.Start);
        return ExecuteAsync(length);
    }

    private void Write(LmtpReply reply) => LmtpReplyWriter.Write(_output, reply);

    private void Write(in SmtpReply reply) => LmtpReplyWriter.Write(_output, reply);

    /// <summary>Answers a client error; too many in a row end the session.</summary>
    private void Refuse(LmtpReply reply)
    {
        Write(reply);
        if (++_badCommands >= _server.Options.MaxBadCommands)
        {
            Write(LmtpReply.TooManyErrors);
            _quit = true;
        }
    }

    private void ResetTransaction()
    {
        _hasMail = false;
        _reversePath = string.Empty;
        _mail = default;
        _chunking = false;
        _recipients.Clear();
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Debug, Message = "LMTP connection {Id} I/O error")]
    private partial void LogIoError(Exception exception, string id);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "LMTP delivery failed on connection {Id}; answered 451 for every recipient")]
    private partial void LogDeliveryFailed(Exception exception, string id);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "LMTP recipient check failed on connection {Id}; answered 451")]
    private partial void LogRecipientCheckFailed(Exception exception, string id);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "LMTP connection {Id}: message of {Size} octets exceeds the limit of {Limit} and was discarded")]
    private partial void LogOversize(string id, long size, long limit);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "LMTP connection {Id} timed out")]
    private partial void LogTimeout(string id);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Debug, Message = "LMTP connection {Id} transaction {Transaction}: {Size} octets for {Recipients} recipients")]
    private partial void LogTransaction(string id, int transaction, long size, int recipients);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Debug, Message = "LMTP connection {Id}: STARTTLS refused (plaintext pipelined after the command or TLS unavailable)")]
    private partial void LogStartTlsRefused(string id);

    // Highest LMTP event id used: 5006.
}
