// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Hosting.Internal;

/// <summary>
/// A <see cref="MailConnection"/> over a byte stream: a socket's <see cref="NetworkStream"/> (possibly
/// behind a PROXY-header <see cref="PrefixedStream"/> and an implicit-TLS <see cref="SslStream"/>)
/// or an in-memory <see cref="PipeStream"/>.
/// </summary>
internal sealed class StreamMailConnection : MailConnection
{
    // Zero-byte reads: an idle connection waits for data without holding a read buffer (SslStream
    // releases its own buffer too), which keeps thousands of IDLE connections cheap.
    private static readonly StreamPipeReaderOptions s_readerOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(10);
    private static readonly StreamPipeWriterOptions s_writerOptions = new(minimumBufferSize: 4096, leaveOpen: true);

    private readonly Stream _raw;
    private readonly Socket? _socket;
    private readonly TlsServer? _tls;
    private readonly CancellationTokenSource _closed = new();
    private SslStream? _ssl;
    private DuplexPipe _ownTransport;
    private IDuplexPipe _transport;
    private int _aborted;
    private int _disposed;

    public StreamMailConnection(Stream raw, Socket? socket, SslStream? implicitTls, TlsServer? tls, TlsMode mode, string? listenerName, EndPoint? remote, EndPoint? local)
        : base(mode)
    {
        _raw = raw;
        _socket = socket;
        _tls = tls;
        ListenerName = listenerName;
        RemoteEndPoint = remote;
        LocalEndPoint = local;
        if (implicitTls is not null)
        {
            _ssl = implicitTls;
            SetTlsState(implicitTls);
        }

        _ownTransport = CreatePipe(implicitTls ?? raw);
        _transport = _ownTransport;
    }

    public override IDuplexPipe Transport => _transport;

    public override CancellationToken ConnectionClosed => _closed.Token;

    public override async ValueTask<bool> StartTlsAsync(ReadOnlyMemory<byte> goAhead, CancellationToken cancellationToken)
    {
        if (!CanStartTls || _tls is null || !ReferenceEquals(_transport, _ownTransport) || Volatile.Read(ref _aborted) != 0)
        {
            return false;
        }

        // CVE-2011-0411: bytes already buffered after the STARTTLS line arrived in plaintext; running
        // them after the handshake would let a man in the middle inject commands into the TLS session.
        PipeReader input = _ownTransport.Input;

        // TryRead is not enough: it reports nothing when the engine advanced with examined = end.
        // A cancelled read returns whatever is buffered at once, without touching the stream.
        input.CancelPendingRead();
        ReadResult pending = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        bool hasData = !pending.Buffer.IsEmpty;
        input.AdvanceTo(pending.Buffer.Start);
        if (hasData)
        {
            HostingMetrics.StartTlsInjection(ListenerName);
            return false;
        }

        PipeWriter output = _ownTransport.Output;
        if (!goAhead.IsEmpty)
        {
            output.Write(goAhead.Span);
        }

        FlushResult flushed = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flushed.IsCompleted || flushed.IsCanceled)
        {
            return false;
        }

        // Retire the plaintext pipes without closing the stream underneath; the handshake reads the raw stream directly.
        await input.CompleteAsync().ConfigureAwait(false);
        await output.CompleteAsync().ConfigureAwait(false);
        SslStream ssl;
        try
        {
            ssl = await _tls.AuthenticateAsync(_raw, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Abort();
            throw;
        }

        _ssl = ssl;
        SetTlsState(ssl);
        _ownTransport = CreatePipe(ssl);
        _transport = _ownTransport;
        return true;
    }

    public override void UseTransport(IDuplexPipe transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
    }

    public override void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        CancelClosed();
        if (_socket is not null)
        {
            // Close(0) resets rather than lingering: an abort must not wait for a slow client.
            _socket.Close(0);
        }
        else if (_raw is PipeStream pipe)
        {
            pipe.Abort();
        }
        else
        {
            _raw.Dispose();
        }

        _transport.Input.CancelPendingRead();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _aborted) == 0)
        {
            // Bound the goodbye: a client that stops reading must not hold the connection slot forever.
            using var timeout = new CancellationTokenSource(s_closeTimeout);
            try
            {
                // Flush what the engine wrote last (e.g. "* BYE") before completing.
                await _transport.Output.FlushAsync(timeout.Token).ConfigureAwait(false);
                await _transport.Output.CompleteAsync().ConfigureAwait(false);
                if (!ReferenceEquals(_transport, _ownTransport))
                {
                    await _ownTransport.Output.FlushAsync(timeout.Token).ConfigureAwait(false);
                    await _ownTransport.Output.CompleteAsync().ConfigureAwait(false);
                }

                if (_ssl is not null)
                {
                    // close_notify (RFC 8446 §6.1) so the client can tell a clean close from truncation.
                    await _ssl.ShutdownAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
                }

                _socket?.Shutdown(SocketShutdown.Both);
            }
            catch (OperationCanceledException)
            {
                Abort();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
            {
                // The client is gone; nothing left to flush.
            }
        }

        await _transport.Input.CompleteAsync().ConfigureAwait(false);
        await _ownTransport.Input.CompleteAsync().ConfigureAwait(false);
        CancelClosed();
        if (_ssl is not null)
        {
            await _ssl.DisposeAsync().ConfigureAwait(false);
        }

        await _raw.DisposeAsync().ConfigureAwait(false);
        _socket?.Dispose();
    }

    private static DuplexPipe CreatePipe(Stream stream)
        => new(PipeReader.Create(stream, s_readerOptions), PipeWriter.Create(stream, s_writerOptions));

    private void SetTlsState(SslStream ssl)
    {
        IsSecure = true;
        TlsProtocol = ssl.SslProtocol;
        TlsCipher = ssl.NegotiatedCipherSuite.ToString();
        TlsServerName = string.IsNullOrEmpty(ssl.TargetHostName) ? null : ssl.TargetHostName;
    }

    private void CancelClosed()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
