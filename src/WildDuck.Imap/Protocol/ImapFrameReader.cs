// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Imap.Protocol;

/// <summary>
/// Drives <see cref="ImapFramer"/> over a connection's <see cref="PipeReader"/>: copies each
/// framed command into a pooled per-connection buffer and advances the pipe before returning
/// ("copy the command, then release the pipe"), and streams APPEND literals on request.
/// </summary>
/// <remarks>
/// Framed bytes of an unfinished command are moved into the buffer as they are scanned, so the pipe
/// never holds more than one read of a command and <see cref="ImapLimits.MaxCommandSize"/> is
/// independent of the pipe's pause threshold. Not thread-safe: one reader per connection, used by
/// the connection loop only.
/// </remarks>
internal sealed class ImapFrameReader : IDisposable
{
    private const int InitialLeaseSize = 4096;

    private readonly PipeReader _input;
    private readonly ImapFramer _framer;
    private ImapFrameState _state;
    private byte[] _lease;
    private int _leaseLength;
    private bool _startNewCommand = true;
    private LiteralStream? _literal;

    /// <summary>Creates a reader over <paramref name="input"/>.</summary>
    public ImapFrameReader(PipeReader input, ImapLimits limits)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        _framer = new ImapFramer(limits);
        _lease = ArrayPool<byte>.Shared.Rent(InitialLeaseSize);
    }

    /// <summary>Selects the post-authentication line limit when true.</summary>
    public bool IsAuthenticated
    {
        get => _state.IsAuthenticated;
        set => _state.IsAuthenticated = value;
    }

    /// <summary>True while a literal announcement waits for Accept/Open/Skip/Reject.</summary>
    public bool IsLiteralPending => _state.IsLiteralPending && _literal is null;

    /// <summary>
    /// True when input beyond the last returned frame has already been received: at least one byte
    /// is available without waiting. STARTTLS must refuse to upgrade when it is (plaintext injection,
    /// RFC 9051 §11.1 / CVE-2011-0411-class attacks).
    /// </summary>
    /// <remarks>
    /// A probe: it looks at the pipe now (<see cref="PipeReader.TryRead"/>) and examines nothing, so
    /// it cannot make a later read wait. Call it only between reads on the connection loop.
    /// </remarks>
    public bool HasBufferedInput
    {
        get
        {
            if (!_input.TryRead(out var result))
            {
                return false;
            }

            var has = !result.Buffer.IsEmpty;
            _input.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
            return has;
        }
    }

    /// <summary>Reads until a command, a literal announcement, an error or the end of input.</summary>
    /// <remarks>
    /// Completes synchronously, without allocating, when the next command is already buffered
    /// (pipelined commands); otherwise awaits more input.
    /// </remarks>
    public ValueTask<ImapReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (IsLiteralPending)
        {
            // Reading on would frame the literal's payload as commands.
            ThrowLiteralPending();
        }

        if (_literal is null)
        {
            if (_startNewCommand)
            {
                _leaseLength = 0;
                _startNewCommand = false;
            }

            if (_input.TryRead(out var buffered) && Process(buffered, out var outcome))
            {
                return new ValueTask<ImapReadResult>(outcome);
            }
        }

        return ReadSlowAsync(cancellationToken);
    }

    private async ValueTask<ImapReadResult> ReadSlowAsync(CancellationToken cancellationToken)
    {
        if (_literal is not null)
        {
            // The session dropped a streamed literal early: drain it so framing stays in step.
            await DrainLiteralAsync(_literal, cancellationToken).ConfigureAwait(false);
        }

        if (_startNewCommand)
        {
            _leaseLength = 0;
            _startNewCommand = false;
        }

        if (_leaseLength == 0 && _lease.Length > 0)
        {
            // Waiting for a new command: give the buffer back, so an idle connection (IDLE, or a
            // client between commands) holds no command buffer. Append rents one again.
            ArrayPool<byte>.Shared.Return(_lease);
            _lease = Array.Empty<byte>();
        }

        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (Process(result, out var outcome))
            {
                return outcome;
            }
        }
    }

    /// <summary>Frames one read's buffer and advances the pipe; false when more input is needed.</summary>
    private bool Process(in ReadResult result, out ImapReadResult outcome)
    {
        var buffer = result.Buffer;
        var status = _framer.TryFrame(ref _state, buffer, out var consumed, out var examined, out var frame);
        switch (status)
        {
            case FrameStatus.Complete:
            {
                Append(frame.Command);
                _input.AdvanceTo(consumed);
                _startNewCommand = true;
                outcome = new ImapReadResult
                {
                    Kind = ImapReadKind.Command,
                    Command = new ReadOnlyMemory<byte>(_lease, 0, _leaseLength),
                    IsContinuation = frame.IsContinuation,
                };
                return true;
            }

            case FrameStatus.LiteralAnnounced:
            {
                var commandSoFar = _leaseLength + (int)frame.Command.Length;

                // consumed is where this command starts (the framer may have skipped input before it).
                var upToPayload = buffer.Slice(consumed, frame.LiteralStart);
                Append(upToPayload);
                _state.Rebase(upToPayload.Length);

                // examined = consumed: the payload may already be here; don't wait for more.
                _input.AdvanceTo(frame.LiteralStart);
                outcome = new ImapReadResult
                {
                    Kind = ImapReadKind.LiteralAnnounced,
                    Command = new ReadOnlyMemory<byte>(_lease, 0, commandSoFar),
                    LiteralSize = frame.LiteralSize,
                    LiteralNonSync = frame.LiteralNonSync,
                    LiteralBinary = frame.LiteralBinary,
                    LiteralFitsInline = frame.LiteralFitsInline,
                    IsContinuation = frame.IsContinuation,
                };
                return true;
            }

            case FrameStatus.Error:
            {
                var tag = _leaseLength > 0
                    ? TagString(ImapFramer.FindTag(new ReadOnlySequence<byte>(_lease, 0, _leaseLength)))
                    : TagString(frame.Tag);
                _input.AdvanceTo(consumed, examined);
                _startNewCommand = true;
                outcome = new ImapReadResult { Kind = ImapReadKind.Error, Error = frame.Error, Recovery = frame.Recovery, Tag = tag };
                return true;
            }

            default:
            {
                // Read before AdvanceTo: the buffer is invalid afterwards.
                var unconsumed = !buffer.Slice(consumed).IsEmpty;
                var movable = _state._scan - ImapFramer.RebaseReserve;
                if (!_state.IsRecovering && !_state.IsLiteralPending && movable > 0)
                {
                    // Move what is framed into the lease so the pipe holds only the unscanned
                    // bytes plus the short tail the framer looks back at.
                    var scanned = buffer.Slice(consumed).Slice(0, movable);
                    Append(scanned);
                    var position = scanned.End;
                    _state.Rebase(scanned.Length);
                    _input.AdvanceTo(position, examined);
                }
                else
                {
                    _input.AdvanceTo(consumed, examined);
                }

                if (result.IsCanceled)
                {
                    outcome = new ImapReadResult { Kind = ImapReadKind.Canceled };
                    return true;
                }

                if (result.IsCompleted)
                {
                    var partial = _leaseLength > 0 || unconsumed;
                    _startNewCommand = true;
                    outcome = new ImapReadResult { Kind = ImapReadKind.EndOfStream, HasPartialCommand = partial };
                    return true;
                }

                outcome = default;
                return false;
            }
        }
    }

    /// <summary>
    /// Accepts the pending literal inline (the session already wrote <c>+ Ready</c> for a
    /// synchronising literal) and reads on to the next result.
    /// </summary>
    public ValueTask<ImapReadResult> AcceptLiteralAsync(CancellationToken cancellationToken = default)
    {
        _state.AcceptLiteral();
        return ReadAsync(cancellationToken);
    }

    /// <summary>
    /// Refuses the pending literal after the session answered BAD/NO: a synchronising literal is
    /// never sent by the client; a non-synchronising one is skipped with the rest of its line.
    /// The next <see cref="ReadAsync"/> returns the following command.
    /// </summary>
    public void RejectLiteral()
    {
        _state.RejectLiteral();
        _startNewCommand = true;
    }

    /// <summary>
    /// Opens the pending literal as a read-only stream of exactly its size (an APPEND body). Read it
    /// to the end; the next <see cref="ReadAsync"/> returns the rest of the line as a continuation
    /// (<see cref="ImapReadResult.IsContinuation"/>), draining whatever the session left unread.
    /// </summary>
    public Stream OpenLiteral()
    {
        if (!IsLiteralPending)
        {
            ThrowNoLiteral();
        }

        if (_state._pendingSize == 0)
        {
            // An empty literal ("{0}", RFC 3501 §4.3 allows it) has no byte whose read would end
            // it, so end it here; otherwise the framer stays in the announced phase and the next
            // read slices with stale offsets (an unhandled exception that ended the session).
            _state.LiteralConsumedExternally();
            _leaseLength = 0;
            return new LiteralStream(this, 0);
        }

        _literal = new LiteralStream(this, _state._pendingSize);
        return _literal;
    }

    /// <summary>Reads and discards the pending literal (for example after a failed store).</summary>
    public async ValueTask SkipLiteralAsync(CancellationToken cancellationToken = default)
    {
        var literal = _literal ?? (LiteralStream)OpenLiteral();
        await DrainLiteralAsync(literal, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var lease = _lease;
        _lease = Array.Empty<byte>();
        if (lease.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(lease);
        }
    }

    private static async ValueTask DrainLiteralAsync(LiteralStream literal, CancellationToken cancellationToken)
    {
        while (literal.Remaining > 0)
        {
            if (await literal.SkipAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                break;
            }
        }
    }

    private async ValueTask<int> ReadLiteralAsync(LiteralStream literal, Memory<byte> destination, bool discard, CancellationToken cancellationToken)
    {
        if (literal.Remaining == 0 || (!discard && destination.IsEmpty))
        {
            return 0;
        }

        var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
        var buffer = result.Buffer;
        if (result.IsCanceled)
        {
            // A timeout cancelled the read: 0 would look like a complete (short) body.
            _input.AdvanceTo(buffer.Start);
            throw new OperationCanceledException("The literal read was cancelled.");
        }

        var take = Math.Min(literal.Remaining, buffer.Length);
        if (!discard)
        {
            take = Math.Min(take, destination.Length);
            buffer.Slice(0, take).CopyTo(destination.Span);
        }

        _input.AdvanceTo(buffer.GetPosition(take));
        literal.Remaining -= take;
        if (literal.Remaining == 0)
        {
            _literal = null;
            _state.LiteralConsumedExternally();
            _leaseLength = 0;
        }
        else if (take == 0 && result.IsCompleted)
        {
            // Never let a truncated body pass for a whole one.
            _literal = null;
            _state.Reset();
            _startNewCommand = true;
            throw new EndOfStreamException("The connection closed inside a literal.");
        }

        return (int)take;
    }

    private void Append(in ReadOnlySequence<byte> bytes)
    {
        var needed = _leaseLength + bytes.Length;
        if (needed > _lease.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Max(Math.Max(needed, (long)_lease.Length * 2), InitialLeaseSize));
            _lease.AsSpan(0, _leaseLength).CopyTo(bigger);
            if (_lease.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_lease);
            }

            _lease = bigger;
        }

        bytes.CopyTo(_lease.AsSpan(_leaseLength));
        _leaseLength = (int)needed;
    }

    private static string? TagString(in ReadOnlySequence<byte> tag) =>
        tag.IsEmpty ? null : Encoding.ASCII.GetString(tag);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLiteralPending() =>
        throw new InvalidOperationException("A literal announcement is pending: accept, open, skip or reject it first.");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNoLiteral() => throw new InvalidOperationException("No literal is pending.");

    /// <summary>Exactly <c>n</c> bytes of the connection input (an APPEND literal).</summary>
    private sealed class LiteralStream : Stream
    {
        private readonly ImapFrameReader _owner;
        private readonly long _size;

        public LiteralStream(ImapFrameReader owner, long size)
        {
            _owner = owner;
            _size = size;
            Remaining = size;
        }

        public long Remaining { get; set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _size;

        public override long Position
        {
            get => _size - Remaining;
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _owner.ReadLiteralAsync(this, buffer, discard: false, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public ValueTask<int> SkipAsync(CancellationToken cancellationToken) =>
            _owner.ReadLiteralAsync(this, Memory<byte>.Empty, discard: true, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) =>
            throw new NotSupportedException("Literal streams are read asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
