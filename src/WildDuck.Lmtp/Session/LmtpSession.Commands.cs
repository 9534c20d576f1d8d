// SPDX-License-Identifier: MIT
using System;
using System.Text;
using System.Threading.Tasks;
using WildDuck.Lmtp.Protocol;

namespace WildDuck.Lmtp.Session;

internal sealed partial class LmtpSession
{
    /// <summary>Parses the copied command line and runs it; only RCPT, VRFY, STARTTLS and BDAT 0 go async.</summary>
    private ValueTask ExecuteAsync(int length)
    {
        var line = _command.AsSpan(0, length);
        var verb = LmtpCommandParser.ParseVerb(line, out var arguments);

        // RFC 5321 §4.5.3.1.4: 512 octets per command line; only MAIL and RCPT may carry more, for
        // extension parameters.
        if (verb is not LmtpVerb.Mail and not LmtpVerb.Rcpt && length + 2 > LmtpServer.CommandLineLength)
        {
            Refuse(LmtpReply.LineTooLong);
            return ValueTask.CompletedTask;
        }

        switch (verb)
        {
            case LmtpVerb.Lhlo:
                Lhlo(arguments);
                break;
            case LmtpVerb.Helo:
            case LmtpVerb.Ehlo:
                Refuse(LmtpReply.HeloRefused);
                break;
            case LmtpVerb.Mail:
                Mail(arguments);
                break;
            case LmtpVerb.Rcpt:
                return Rcpt(arguments);
            case LmtpVerb.Data:
                Data(arguments);
                break;
            case LmtpVerb.Bdat:
                return Bdat(arguments);
            case LmtpVerb.Rset:
                ResetTransaction();
                Succeed(LmtpReply.Flushed);
                break;
            case LmtpVerb.Noop:
                Succeed(LmtpReply.Ok);
                break;
            case LmtpVerb.Quit:
                Write(LmtpReply.Bye);
                _quit = true;
                break;
            case LmtpVerb.Help:
                Succeed(LmtpReply.Help);
                break;
            case LmtpVerb.Vrfy:
                return Vrfy(arguments);
            case LmtpVerb.StartTls:
                return StartTlsAsync(arguments.IsEmpty);
            default:
                Refuse(LmtpReply.CommandUnrecognized);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private void Succeed(LmtpReply reply)
    {
        _badCommands = 0;
        Write(reply);
    }

    /// <summary>The session's place in <see cref="LmtpStateTable"/>.</summary>
    private LmtpState State => _lhloName is null ? LmtpState.Connected
        : !_hasMail ? LmtpState.Greeted
        : _chunking ? LmtpState.Chunking
        : _recipients.Count == 0 ? LmtpState.Mail
        : LmtpState.Recipients;

    /// <summary>LHLO (RFC 2033 §4.1): names the client, resets any transaction, lists the extensions.</summary>
    private void Lhlo(ReadOnlySpan<byte> arguments)
    {
        var error = LmtpCommandParser.ParseDomain(arguments, out var domain);
        if (error != LmtpReply.None)
        {
            Refuse(error);
            return;
        }

        _badCommands = 0;
        _lhloName = domain.ToArray();
        ResetTransaction();
        LmtpReplyWriter.WriteLhlo(_output, _server.Hostname, _server.Options.MaxMessageSize, _server.Options.EnableStartTls && _connection.CanStartTls);
    }

    /// <summary>MAIL FROM (RFC 5321 §4.1.1.2) with SIZE, BODY and SMTPUTF8.</summary>
    private void Mail(ReadOnlySpan<byte> arguments)
    {
        // RFC 5321 §4.1.4: MAIL inside a transaction is a sequence error.
        var state = LmtpStateTable.Check(LmtpVerb.Mail, State);
        if (state != LmtpReply.None)
        {
            Refuse(state);
            return;
        }

        var error = LmtpCommandParser.ParseMail(arguments, out var address, out var parameters);
        if (error != LmtpReply.None)
        {
            Refuse(error);
            return;
        }

        if (parameters.Size > _server.Options.MaxMessageSize)
        {
            // RFC 1870 §6.1: refuse at once when the declared size is over the fixed limit.
            _badCommands = 0;
            Write(LmtpReply.SizeExceeded);
            return;
        }

        _hasMail = true;
        _mail = parameters;
        _reversePath = address.IsEmpty ? string.Empty : Encoding.UTF8.GetString(address);
        Succeed(LmtpReply.SenderOk);
    }

    /// <summary>RCPT TO (RFC 5321 §4.1.1.3): the agent decides; its reply is this recipient's.</summary>
    private ValueTask Rcpt(ReadOnlySpan<byte> arguments)
    {
        var state = LmtpStateTable.Check(LmtpVerb.Rcpt, State);
        if (state != LmtpReply.None)
        {
            Refuse(state);
            return ValueTask.CompletedTask;
        }

        var error = LmtpCommandParser.ParseRcpt(arguments, out var address, out var eightBit);
        if (error == LmtpReply.None && eightBit && !_mail.SmtpUtf8)
        {
            // RFC 6531 §3.5: UTF-8 addresses only in an SMTPUTF8 transaction.
            error = LmtpReply.Utf8Required;
        }

        if (error != LmtpReply.None)
        {
            Refuse(error);
            return ValueTask.CompletedTask;
        }

        if (_recipients.Count >= _server.Options.MaxRecipients)
        {
            Write(LmtpReply.TooManyRecipients);
            return ValueTask.CompletedTask;
        }

        _badCommands = 0;
        return CheckRecipientAsync(Encoding.UTF8.GetString(address));
    }

    private async ValueTask CheckRecipientAsync(string address)
    {
        RecipientVerdict verdict;
        try
        {
            verdict = await _server.Agent.CheckRecipientAsync(address, _mail.Size, _connection.ConnectionClosed).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRecipientCheckFailed(ex, _connection.Id);
            Write(LmtpReply.LocalError);
            return;
        }

        Write(verdict.Reply);
        if (verdict.Reply.IsPositive && verdict.Recipient is not null)
        {
            _recipients.Add(verdict.Recipient);
        }
    }

    /// <summary>VRFY (RFC 5321 §3.5.3, §4.1.1.6), answered as <see cref="LmtpOptions.Vrfy"/> says.</summary>
    private ValueTask Vrfy(ReadOnlySpan<byte> arguments)
    {
        if (arguments.IsEmpty)
        {
            Refuse(LmtpReply.SyntaxError);
            return ValueTask.CompletedTask;
        }

        switch (_server.Options.Vrfy)
        {
            case LmtpVrfyMode.Disabled:
                Write(LmtpReply.VrfyDisabled);
                return ValueTask.CompletedTask;
            case LmtpVrfyMode.Verify:
                var address = arguments;
                if (address[0] == (byte)'<')
                {
                    if (LmtpCommandParser.ParsePath(address, sender: false, out address, out _, out var consumed) != LmtpReply.None || consumed != arguments.Length)
                    {
                        Refuse(LmtpReply.BadRecipientAddress);
                        return ValueTask.CompletedTask;
                    }
                }

                _badCommands = 0;
                return VerifyAsync(Encoding.UTF8.GetString(address));
            default:
                Succeed(LmtpReply.VrfyCannot);
                return ValueTask.CompletedTask;
        }
    }

    private async ValueTask VerifyAsync(string address)
    {
        try
        {
            var verdict = await _server.Agent.CheckRecipientAsync(address, 0, _connection.ConnectionClosed).ConfigureAwait(false);
            Write(verdict.Reply);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRecipientCheckFailed(ex, _connection.Id);
            Write(LmtpReply.LocalError);
        }
    }

    /// <summary>
    /// STARTTLS (RFC 3207): only when enabled and not yet secure. The connection refuses the upgrade
    /// when plaintext was pipelined after the command (CVE-2011-0411); the session then closes. After
    /// the handshake all state is forgotten and the client must LHLO again (RFC 3207 §4.2).
    /// </summary>
    private async ValueTask StartTlsAsync(bool noArguments)
    {
        if (!noArguments)
        {
            Refuse(LmtpReply.InvalidArguments);
            return;
        }

        if (!_server.Options.EnableStartTls || !_connection.CanStartTls)
        {
            Refuse(LmtpReply.StartTlsUnavailable);
            return;
        }

        await FlushAsync().ConfigureAwait(false);
        if (!await _connection.StartTlsAsync(_server.StartTlsGoAhead, _connection.ConnectionClosed).ConfigureAwait(false))
        {
            LogStartTlsRefused(_connection.Id);
            Write(LmtpReply.StartTlsUnavailable);
            _quit = true;
            return;
        }

        _input = _connection.Transport.Input;
        _output = _connection.Transport.Output;
        _framer = default;
        _lhloName = null;
        ResetTransaction();
    }
}
