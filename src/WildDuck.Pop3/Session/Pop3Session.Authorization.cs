// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using WildDuck.Pop3.Protocol;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Pop3.Session;

/// <content>The AUTHORIZATION state: greeting, CAPA, STLS, USER/PASS, AUTH PLAIN (RFC 1939 §4, §7; RFC 2449; RFC 2595; RFC 5034).</content>
internal sealed partial class Pop3Session
{
    private static readonly byte[] s_stlsGoAhead = "+OK Begin TLS negotiation\r\n"u8.ToArray();

    private void WriteGreeting()
    {
        // RFC 1939 §4: a positive greeting; host and product name as WildDuck shows them.
        _output.Write("+OK "u8);
        _output.Write(_server.Greeting);
        _output.Write(" ready for requests from "u8);
        if (_connection.RemoteEndPoint is IPEndPoint remote)
        {
            var span = _output.GetSpan(64);
            if (remote.Address.TryFormat(span, out var written))
            {
                _output.Advance(written);
            }
        }

        _output.Write(" "u8);
        var id = _output.GetSpan(_connection.Id.Length);
        _output.Advance(Encoding.ASCII.GetBytes(_connection.Id, id));
        _output.Write("\r\n"u8);
    }

    /// <summary>CAPA (RFC 2449 §5): USER, SASL and STLS only while they may be used.</summary>
    private void Capa()
    {
        _output.Write("+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"u8);
        if (_state == Pop3States.Authorization)
        {
            if (_server.CanAuthenticate(_connection))
            {
                _output.Write("USER\r\nSASL PLAIN\r\n"u8);
            }

            if (_connection.CanStartTls)
            {
                _output.Write("STLS\r\n"u8);
            }
        }

        _output.Write("IMPLEMENTATION "u8);
        _output.Write(_server.ServerName);
        _output.Write("\r\n.\r\n"u8);
    }

    /// <summary>STLS (RFC 2595 §4): only before login and when TLS is not active yet.</summary>
    private async ValueTask StlsAsync()
    {
        if (!_connection.CanStartTls)
        {
            Err(default, _connection.IsSecure ? "TLS is already active"u8 : "STLS is not available"u8);
            return;
        }

        await FlushAsync().ConfigureAwait(false);
        if (!await _connection.StartTlsAsync(s_stlsGoAhead, _connection.ConnectionClosed).ConfigureAwait(false))
        {
            // Plaintext pipelined after STLS would be read as if it came over TLS (RFC 2595 §4,
            // the CVE-2011-0411 class of attacks): refuse and close.
            Err(default, "Commands pipelined after STLS are not allowed"u8);
            _done = true;
            return;
        }

        // RFC 2595 §4: the client discards what it knew; so does the server (a pending USER).
        _input = _connection.Transport.Input;
        _output = _connection.Transport.Output;
        _framer = default;
        _needMore = false;
        _pendingUser = null;
    }

    private void User(ArraySegment<byte> arguments)
    {
        if (!RequireAuthenticationAllowed())
        {
            return;
        }

        var name = arguments.AsSpan().Trim((byte)' ');
        if (name.IsEmpty)
        {
            Err(default, "Missing user name"u8);
            return;
        }

        _pendingUser = Encoding.UTF8.GetString(name);
        Ok("Send PASS"u8);
    }

    private async ValueTask PassAsync(ArraySegment<byte> arguments)
    {
        if (!RequireAuthenticationAllowed())
        {
            return;
        }

        if (_pendingUser is not { } user)
        {
            Err(default, "Send USER first"u8);
            return;
        }

        // RFC 1939 §7: the password is the rest of the line and may contain spaces.
        var password = Encoding.UTF8.GetString(arguments);
        _pendingUser = null;
        await LogInAsync(user, password).ConfigureAwait(false);
    }

    /// <summary>AUTH (RFC 5034): PLAIN (RFC 4616), with an initial response or after "+ ".</summary>
    private async ValueTask AuthAsync(ArraySegment<byte> arguments)
    {
        ReadOnlySpan<byte> rest = arguments.AsSpan();
        var mechanism = Pop3Command.NextToken(ref rest);
        if (mechanism.IsEmpty)
        {
            // Bare AUTH lists the mechanisms (the RFC 1734 form many clients still probe with).
            _output.Write("+OK\r\nPLAIN\r\n.\r\n"u8);
            return;
        }

        if (!RequireAuthenticationAllowed())
        {
            return;
        }

        if (!Ascii.EqualsIgnoreCase(mechanism, "PLAIN"u8))
        {
            Err(default, "Unsupported SASL mechanism"u8);
            return;
        }

        var initial = Pop3Command.NextToken(ref rest);
        int length;
        if (!initial.IsEmpty)
        {
            length = initial.Length;
            initial.CopyTo(_line);
        }
        else
        {
            // RFC 5034 §4: an empty challenge.
            _output.Write("+ \r\n"u8);
            var (kind, read) = await ReadLineAsync(_server.Options.MaxAuthResponseLength).ConfigureAwait(false);
            switch (kind)
            {
                case ReadKind.Line:
                    length = read;
                    break;
                case ReadKind.TooLong:
                    Err(default, "SASL response too long"u8);
                    return;
                case ReadKind.Closed:
                    throw new ClientGoneException();
                default:
                    return;
            }

            if (_line.AsSpan(0, length).SequenceEqual("*"u8))
            {
                // RFC 5034 §4: the client cancelled the exchange.
                Err(default, "Authentication cancelled"u8);
                return;
            }
        }

        if (!TryDecodePlain(_line.AsSpan(0, length), out var authorization, out var user, out var password))
        {
            Err(default, "Invalid SASL PLAIN response"u8);
            return;
        }

        if (authorization.Length > 0 && !string.Equals(authorization, user, StringComparison.OrdinalIgnoreCase))
        {
            // Acting as another user (an authorization identity) is not supported.
            Err("AUTH"u8, "Authorization identity not permitted"u8);
            return;
        }

        await LogInAsync(user, password).ConfigureAwait(false);
    }

    /// <summary>Decodes base64 "[authzid] NUL authcid NUL passwd" (RFC 4616 §2); "=" is an empty response (RFC 5034 §4).</summary>
    internal static bool TryDecodePlain(ReadOnlySpan<byte> base64, out string authorization, out string user, out string password)
    {
        authorization = user = password = string.Empty;
        var rented = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(Math.Max(base64.Length, 4)));
        try
        {
            if (base64.SequenceEqual("="u8)
                || Base64.DecodeFromUtf8(base64, rented, out var consumed, out var written) != OperationStatus.Done
                || consumed != base64.Length)
            {
                return false;
            }

            var decoded = rented.AsSpan(0, written);
            var first = decoded.IndexOf((byte)0);
            if (first < 0)
            {
                return false;
            }

            var second = decoded[(first + 1)..].IndexOf((byte)0);
            if (second <= 0 || decoded[(first + 1 + second + 1)..].IndexOf((byte)0) >= 0)
            {
                return false;
            }

            authorization = Encoding.UTF8.GetString(decoded[..first]);
            user = Encoding.UTF8.GetString(decoded.Slice(first + 1, second));
            password = Encoding.UTF8.GetString(decoded[(first + 1 + second + 1)..]);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>Credentials only over TLS unless insecure auth is allowed (RFC 2595 §2.2; as IMAP's LOGINDISABLED).</summary>
    private bool RequireAuthenticationAllowed()
    {
        if (_server.CanAuthenticate(_connection))
        {
            return true;
        }

        Err("AUTH"u8, "Plaintext authentication is not allowed without TLS; use STLS"u8);
        return false;
    }

    /// <summary>Authenticates with scope <c>pop3</c>, takes the maildrop lock and opens the maildrop.</summary>
    private async ValueTask LogInAsync(string username, string password)
    {
        var remote = _connection.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : null;
        var result = await _server.Authenticator.AuthenticateAsync(username, password, new AuthenticationContext(AuthenticationScope.Pop3, remote, "POP3", _connection.Id)).ConfigureAwait(false);
        if (!result.Succeeded || result.User is null)
        {
            Pop3Log.LoginFailed(_server.Logger, _connection.Id, result.Failure);
            switch (result.Failure)
            {
                case AuthenticationFailure.RateLimited:
                    // RFC 3206 §4: a temporary condition; [AUTH] would make clients ask for a new password.
                    Err("SYS/TEMP"u8, "Too many failed logins, try again later"u8);
                    break;
                case AuthenticationFailure.Disabled or AuthenticationFailure.Suspended or AuthenticationFailure.ScopeDisabled:
                    Err("AUTH"u8, "Access to this account is disabled"u8);
                    break;
                default:
                    Err("AUTH"u8, "Invalid credentials"u8);
                    break;
            }

            return;
        }

        ConnectionLease? lease = null;
        if (_server.Options.ExclusiveLock
            && (lease = await _server.ConnectionLimiter.TryAcquireAsync(Pop3Server.LockProtocol, result.User.Id, _connection.ConnectionClosed).ConfigureAwait(false)) is null)
        {
            // RFC 1939 §4 (exclusive-access lock), RFC 2449 §8.1.1 [IN-USE].
            Err("IN-USE"u8, "Maildrop is locked by another POP3 session"u8);
            return;
        }

        try
        {
            _maildrop = await OpenMaildropAsync(result.User.Id).ConfigureAwait(false);
        }
        catch
        {
            if (lease is not null)
            {
                await lease.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        _lock = lease;
        _user = result.User;
        _logoutRegistration = _server.Sessions.Register(result.User.Id, OnForcedLogout);
        _state = Pop3States.Transaction;
        Pop3Log.LoggedIn(_server.Logger, _connection.Id, result.User.Username, _maildrop.Total);
        WriteMaildropOk();
    }
}
