// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;
using WildDuck.Lmtp.Protocol;

namespace WildDuck.Lmtp.Session;

internal sealed partial class LmtpSession
{
    /// <summary>DATA (RFC 5321 §4.1.1.4, RFC 2033 §4.2): checks the transaction, then 354 and data mode.</summary>
    private void Data(ReadOnlySpan<byte> arguments)
    {
        if (!arguments.IsEmpty)
        {
            Refuse(LmtpReply.InvalidArguments);
            return;
        }

        var state = LmtpStateTable.Check(LmtpVerb.Data, State);
        if (state == LmtpReply.None && _mail.Body == LmtpBodyType.BinaryMime)
        {
            // RFC 3030 §3: BODY=BINARYMIME content can only be sent with BDAT.
            state = LmtpReply.BinaryMimeNeedsBdat;
        }

        if (state != LmtpReply.None)
        {
            // "No valid recipients" is an ordinary outcome of a pipelined transaction, not a client error.
            if (state == LmtpReply.NoRecipients)
            {
                Write(state);
            }
            else
            {
                Refuse(state);
            }

            return;
        }

        _badCommands = 0;
        Write(LmtpReply.StartMailInput);
        _message.Reset(_server.Options.MaxMessageSize);
        _decoder.Reset();
        _mode = InputMode.Data;
    }

    /// <summary>Feeds DATA bytes through the dot-unstuffing decoder, consuming all it processed.</summary>
    private ValueTask DataAsync(ReadOnlySequence<byte> buffer)
    {
        var end = _decoder.Decode(buffer, _message);
        _input.AdvanceTo(end);
        if (!_decoder.IsComplete)
        {
            _needMore = true;
            return ValueTask.CompletedTask;
        }

        _needMore = false;
        _mode = InputMode.Command;
        return FinishMessageAsync();
    }

    /// <summary>BDAT (RFC 3030 §2): the chunk is always read, even when the command is refused.</summary>
    private ValueTask Bdat(ReadOnlySpan<byte> arguments)
    {
        var error = LmtpCommandParser.ParseBdat(arguments, out var size, out var last);
        if (error != LmtpReply.None)
        {
            // Without a size the chunk cannot be skipped; the following bytes are read as commands.
            Refuse(error);
            return ValueTask.CompletedTask;
        }

        var state = LmtpStateTable.Check(LmtpVerb.Bdat, State);
        if (state == LmtpReply.None && !_chunking)
        {
            _chunking = true;
            _message.Reset(_server.Options.MaxMessageSize);
        }

        _chunkSize = size;
        _chunkRemaining = size;
        _chunkLast = last;
        _chunkRefusal = state;
        if (size == 0)
        {
            return FinishChunkAsync();
        }

        _mode = InputMode.Chunk;
        return ValueTask.CompletedTask;
    }

    private ValueTask ChunkAsync(ReadOnlySequence<byte> buffer)
    {
        var take = Math.Min(_chunkRemaining, buffer.Length);
        var chunk = buffer.Slice(0, take);
        if (_chunkRefusal == LmtpReply.None)
        {
            foreach (var segment in chunk)
            {
                _message.Write(segment.Span);
            }
        }

        _input.AdvanceTo(chunk.End);
        _chunkRemaining -= take;
        if (_chunkRemaining > 0)
        {
            _needMore = true;
            return ValueTask.CompletedTask;
        }

        _needMore = false;
        _mode = InputMode.Command;
        return FinishChunkAsync();
    }

    private ValueTask FinishChunkAsync()
    {
        if (_chunkRefusal != LmtpReply.None)
        {
            if (_chunkRefusal == LmtpReply.NoRecipients)
            {
                Write(_chunkRefusal);
                if (_chunkLast)
                {
                    ResetTransaction();
                }
            }
            else
            {
                Refuse(_chunkRefusal);
            }

            return ValueTask.CompletedTask;
        }

        if (_chunkLast)
        {
            return FinishMessageAsync();
        }

        if (_message.Overflowed)
        {
            // RFC 3030 §2: the data was read and discarded; the transaction failed and the client must
            // not send more chunks (pipelined ones get 503 and are discarded).
            LogOversize(_connection.Id, _message.TotalLength, _server.Options.MaxMessageSize);
            Write(LmtpReply.SizeExceeded);
            ResetTransaction();
            return ValueTask.CompletedTask;
        }

        LmtpReplyWriter.WriteChunkReceived(_output, _chunkSize);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Ends a transaction after DATA or BDAT LAST: one reply per accepted recipient, in RCPT order
    /// (RFC 2033 §4.2), then the transaction is reset (the LHLO name stays).
    /// </summary>
    private async ValueTask FinishMessageAsync()
    {
        var recipients = _recipients.ToArray();
        try
        {
            _transactions++;
            LogTransaction(_connection.Id, _transactions, _message.TotalLength, recipients.Length);
            if (_message.Overflowed)
            {
                // RFC 1870 §6.3 / RFC 2033 §4.2: the oversized message was discarded; each recipient
                // gets its own 552.
                LogOversize(_connection.Id, _message.TotalLength, _server.Options.MaxMessageSize);
                for (var i = 0; i < recipients.Length; i++)
                {
                    Write(LmtpReply.SizeExceeded);
                }

                return;
            }

            BuildReceivedHeader(recipients);
            var request = new DeliveryRequest
            {
                ReturnPath = _reversePath,
                Recipients = recipients,
                Message = _message.Written,
                ReceivedHeader = _received.WrittenMemory,
            };

            IReadOnlyList<SmtpReply>? replies;
            try
            {
                replies = await _server.Agent.DeliverAsync(request, _connection.ConnectionClosed).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDeliveryFailed(ex, _connection.Id);
                replies = null;
            }

            for (var i = 0; i < recipients.Length; i++)
            {
                if (replies is not null && i < replies.Count)
                {
                    Write(replies[i]);
                }
                else
                {
                    Write(LmtpReply.LocalError);
                }
            }
        }
        finally
        {
            ResetTransaction();
            _message.Reset(_server.Options.MaxMessageSize);
        }
    }

    /// <summary>The <c>Received:</c> field of RFC 5321 §4.4 for this transaction.</summary>
    private void BuildReceivedHeader(AcceptedRecipient[] recipients)
    {
        _received.Clear();
        var id = string.Concat(_connection.Id, "-", _transactions.ToString(CultureInfo.InvariantCulture));
        ReceivedHeader.Write(
            _received,
            _lhloName,
            _connection.RemoteEndPoint,
            _server.Hostname,
            ReceivedHeader.Protocol(_connection.IsSecure, _mail.SmtpUtf8),
            id,
            recipients.Length == 1 ? recipients[0].Address : null,
            _server.Time.GetUtcNow());
    }
}
