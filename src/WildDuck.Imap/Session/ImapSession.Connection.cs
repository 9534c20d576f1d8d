// SPDX-License-Identifier: MIT
using System;
using System.Net;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;
using WildDuck.Imap.Protocol;
using WildDuck.Imap.Transport;
using WildDuck.Storage.Security;

namespace WildDuck.Imap.Session;

/// <content>Commands valid in any state, STARTTLS, login, ENABLE, COMPRESS, NAMESPACE.</content>
internal sealed partial class ImapSession
{
    private static readonly string s_version = typeof(ImapSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0";

    private async ValueTask CapabilityAsync()
    {
        var w = new ImapResponseWriter(_output);
        w.WriteRaw("* CAPABILITY "u8);
        w.WriteRaw(_state == ImapState.NotAuthenticated ? _server.PreAuthCapabilities(_connection) : _server.PostAuthCapabilities);
        w.WriteCrlf();
        w.Commit();
        await OkAsync("CAPABILITY completed").ConfigureAwait(false);
    }

    private ValueTask NoopAsync() => OkAsync("NOOP completed");

    private ValueTask CheckAsync() => OkAsync("CHECK completed");

    private async ValueTask LogoutAsync()
    {
        WriteUntagged(ImapStatus.Bye, default, "Logging out");
        WriteTagged(ImapStatus.Ok, default, "LOGOUT completed");
        await FlushAsync().ConfigureAwait(false);
        _state = ImapState.Logout;
    }

    /// <summary>ID (RFC 2971): the server's identification; the client's is only logged.</summary>
    private async ValueTask IdAsync(IdCommand command)
    {
        if (command.Parameters is { Count: > 0 } parameters)
        {
            LogClientId(parameters);
        }

        var w = new ImapResponseWriter(_output);
        w.WriteRaw("* ID (\"name\" "u8);
        w.WriteString(_server.Options.ServerName);
        w.WriteRaw(" \"version\" "u8);
        w.WriteString(s_version);
        w.WriteRaw(" \"vendor\" \"WildDuck.Core\")\r\n"u8);
        w.Commit();
        await OkAsync("ID completed").ConfigureAwait(false);
    }

    private async ValueTask StartTlsAsync()
    {
        if (!_connection.CanStartTls)
        {
            throw new ImapBadException(_connection.IsSecure ? "TLS is already active" : "STARTTLS is not available");
        }

        if (_reader.HasBufferedInput)
        {
            // Plaintext pipelined after STARTTLS would be processed as if it came over TLS
            // (RFC 9051 §11.1, the CVE-2011-0411 class of attacks): refuse and close.
            WriteTagged(ImapStatus.Bad, default, "Commands pipelined after STARTTLS are not allowed");
            await FlushAsync().ConfigureAwait(false);
            _state = ImapState.Logout;
            return;
        }

        byte[] goAhead = [.. TagBytes, .. " OK Begin TLS negotiation now\r\n"u8];
        if (!await _connection.StartTlsAsync(goAhead, _connection.ConnectionClosed).ConfigureAwait(false))
        {
            WriteTagged(ImapStatus.Bad, default, "Commands pipelined after STARTTLS are not allowed");
            await FlushAsync().ConfigureAwait(false);
            _state = ImapState.Logout;
            return;
        }

        // RFC 3501 §6.2.1: after TLS the client must discard cached capabilities; nothing read
        // before the handshake survives (the frame reader is recreated over the TLS transport).
        ReplaceTransport();
    }

    private void ReplaceTransport()
    {
        _reader.Dispose();
        _input = _connection.Transport.Input;
        _output = _connection.Transport.Output;
        _reader = new ImapFrameReader(_input, _server.Options.Limits) { IsAuthenticated = _state != ImapState.NotAuthenticated };
    }

    private async ValueTask LoginAsync(LoginCommand command)
    {
        if (!_server.CanAuthenticate(_connection))
        {
            // RFC 9051 §6.2.3: LOGINDISABLED; PRIVACYREQUIRED tells the client why (RFC 5530).
            throw new ImapNoException("PRIVACYREQUIRED"u8, "Use STARTTLS (or the TLS port) before logging in");
        }

        await LogInAsync(command.User, command.Password).ConfigureAwait(false);
    }

    private async ValueTask AuthenticateAsync(AuthenticateCommand command)
    {
        if (!_server.CanAuthenticate(_connection))
        {
            throw new ImapNoException("PRIVACYREQUIRED"u8, "Use STARTTLS (or the TLS port) before logging in");
        }

        string? user;
        string? password;
        switch (command.Mechanism)
        {
            case "PLAIN":
                {
                    // RFC 4616: [authzid] NUL authcid NUL passwd; SASL-IR (RFC 4959) may carry it inline.
                    var response = command.InitialResponse ?? await ReadSaslResponseAsync(string.Empty).ConfigureAwait(false);
                    if (response is null)
                    {
                        return;
                    }

                    var decoded = DecodeSasl(response);
                    var parts = decoded?.Split('\0');
                    if (parts is not { Length: 3 } || parts[1].Length == 0)
                    {
                        throw new ImapBadException("Invalid SASL PLAIN response");
                    }

                    if (parts[0].Length > 0 && !string.Equals(parts[0], parts[1], StringComparison.OrdinalIgnoreCase))
                    {
                        // Acting as another user (authorization identity) is not supported.
                        throw new ImapNoException("AUTHORIZATIONFAILED"u8, "Authorization identity not permitted");
                    }

                    user = parts[1];
                    password = parts[2];
                    break;
                }

            case "LOGIN":
                {
                    var name = command.InitialResponse ?? await ReadSaslResponseAsync("VXNlcm5hbWU6").ConfigureAwait(false);
                    if (name is null)
                    {
                        return;
                    }

                    var secret = await ReadSaslResponseAsync("UGFzc3dvcmQ6").ConfigureAwait(false);
                    if (secret is null)
                    {
                        return;
                    }

                    user = DecodeSasl(name);
                    password = DecodeSasl(secret);
                    if (string.IsNullOrEmpty(user) || password is null)
                    {
                        throw new ImapBadException("Invalid SASL LOGIN response");
                    }

                    break;
                }

            default:
                throw new ImapNoException("CANNOT"u8, "Unsupported authentication mechanism");
        }

        await LogInAsync(user, password).ConfigureAwait(false);
    }

    /// <summary>Sends a continuation and reads the client's SASL line; null when the client cancelled with "*".</summary>
    private async ValueTask<string?> ReadSaslResponseAsync(string challenge)
    {
        var w = new ImapResponseWriter(_output);
        w.WriteRaw("+ "u8);
        w.WriteText(challenge);
        w.WriteCrlf();
        w.Commit();
        await FlushAsync().ConfigureAwait(false);
        ArmCommandTimer();
        var result = await _reader.ReadAsync().ConfigureAwait(false);
        if (result.Kind == ImapReadKind.Canceled)
        {
            throw await AbortCancelledReadAsync().ConfigureAwait(false);
        }

        _timer.Disarm();
        if (result.Kind != ImapReadKind.Command)
        {
            throw new ConnectionClosedException();
        }

        var line = Encoding.ASCII.GetString(result.Command.Span);
        if (line == "*")
        {
            // RFC 3501 §6.2.2: the client cancelled the exchange.
            WriteTagged(ImapStatus.Bad, default, "Authentication cancelled");
            await FlushAsync().ConfigureAwait(false);
            return null;
        }

        return line;
    }

    private static string? DecodeSasl(string base64)
    {
        if (base64 == "=")
        {
            return string.Empty;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw new ImapBadException("Invalid base64 in SASL response");
        }
    }

    private async ValueTask LogInAsync(string username, string password)
    {
        var remote = _connection.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : null;
        var result = await _server.Authenticator.AuthenticateAsync(username, password, new AuthenticationContext(AuthenticationScope.Imap, remote, "IMAP", _connection.Id)).ConfigureAwait(false);
        if (!result.Succeeded || result.User is null)
        {
            var (code, text) = result.Failure switch
            {
                AuthenticationFailure.RateLimited => ("LIMIT"u8.ToArray(), "Too many failed logins, try again later"),
                AuthenticationFailure.Disabled or AuthenticationFailure.Suspended or AuthenticationFailure.ScopeDisabled => ("CONTACTADMIN"u8.ToArray(), "Access to this account is disabled"),
                _ => ("AUTHENTICATIONFAILED"u8.ToArray(), "Invalid credentials"),
            };
            throw new ImapNoException(code, text);
        }

        // Counted across instances when the counter is shared (Redis); it never waits long for it.
        _connectionLease = await _server.ConnectionLimiter.TryAcquireAsync("imap", result.User.Id, _connection.ConnectionClosed).ConfigureAwait(false)
            ?? throw new ImapNoException("LIMIT"u8, "Too many simultaneous connections for this account");
        _user = result.User;
        _state = ImapState.Authenticated;
        _reader.IsAuthenticated = true;
        _subscription = _server.Notifier.Subscribe(_user.Id, OnMailboxChanged);
        _logoutRegistration = _server.Sessions.Register(_user.Id, OnForcedLogout);

        // RFC 3501 §6.2.3 allows the new capabilities in the tagged OK; clients then skip a round trip.
        var w = new ImapResponseWriter(_output);
        w.WriteRaw(TagBytes);
        w.WriteRaw(" OK [CAPABILITY "u8);
        w.WriteRaw(_server.PostAuthCapabilities);
        w.WriteRaw("] Logged in\r\n"u8);
        w.Commit();
        await FlushAsync().ConfigureAwait(false);
    }

    /// <summary>ENABLE (RFC 5161): CONDSTORE (RFC 7162) and UTF8=ACCEPT (RFC 6855).</summary>
    private async ValueTask EnableAsync(EnableCommand command)
    {
        var w = new ImapResponseWriter(_output);
        w.WriteRaw("* ENABLED"u8);
        var condStore = false;
        foreach (var capability in command.Capabilities)
        {
            if (capability.Equals("CONDSTORE", StringComparison.OrdinalIgnoreCase))
            {
                condStore = true;
                w.WriteRaw(" CONDSTORE"u8);
            }
            else if (capability.Equals("UTF8=ACCEPT", StringComparison.OrdinalIgnoreCase))
            {
                _utf8Accept = true;
                w.WriteRaw(" UTF8=ACCEPT"u8);
            }
        }

        w.WriteCrlf();
        w.Commit();
        if (condStore)
        {
            // After the ENABLED line: EnableCondStore may write its own untagged response.
            EnableCondStore();
        }

        await OkAsync("ENABLE completed").ConfigureAwait(false);
    }

    /// <summary>COMPRESS DEFLATE (RFC 4978): the OK goes out uncompressed, everything after it compressed.</summary>
    private async ValueTask CompressAsync(CompressCommand command)
    {
        if (!_server.Options.EnableCompression || !command.Mechanism.Equals("DEFLATE", StringComparison.OrdinalIgnoreCase))
        {
            throw new ImapNoException("CANNOT"u8, "Unsupported compression mechanism");
        }

        if (_compressed)
        {
            throw new ImapNoException("COMPRESSIONACTIVE"u8, "Compression is already active");
        }

        await WriteUpdatesAsync(allowExpunge: true).ConfigureAwait(false);
        WriteTagged(ImapStatus.Ok, default, "DEFLATE active");
        await FlushAsync().ConfigureAwait(false);
        _connection.UseTransport(new DeflateDuplexPipe(_connection.Transport));
        _compressed = true;
        ReplaceTransport();
    }

    /// <summary>NAMESPACE (RFC 2342): one personal namespace, "/" delimited, no prefix.</summary>
    private async ValueTask NamespaceAsync()
    {
        var w = new ImapResponseWriter(_output);
        w.WriteRaw("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"u8);
        w.Commit();
        await OkAsync("NAMESPACE completed").ConfigureAwait(false);
    }

    private void LogClientId(System.Collections.Generic.IReadOnlyList<System.Collections.Generic.KeyValuePair<string, string?>> parameters)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            sb.Append(key).Append('=').Append(value).Append(' ');
        }

        Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(_server.Logger, "IMAP client {Id} identified as {ClientId}", _connection.Id, sb.ToString());
    }
}
