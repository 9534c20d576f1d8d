// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using WildDuck.Storage;

namespace WildDuck.Lmtp.Outbound;

/// <summary>One SMTP transaction per queue entry with MailKit's <see cref="SmtpClient"/>, the bytes unchanged.</summary>
internal sealed class SmtpRelaySender
{
    private readonly OutboundRelayOptions _options;
    private readonly string _heloName;

    public SmtpRelaySender(OutboundRelayOptions options, string heloName)
    {
        _options = options;
        _heloName = heloName;
    }

    /// <summary>Called when MimeKit will not reproduce an entry's header block exactly (sent anyway).</summary>
    public Action<EntityId>? NotExact { get; init; }

    public async Task<RelayOutcome> SendAsync(OutboundRoute route, OutboundLease lease, CancellationToken cancellationToken)
    {
        var message = RawMimeMessage.Create(lease.Content, out var exact);
        if (message is null)
        {
            return RelayOutcome.Failed("the message header cannot be parsed");
        }

        if (!exact)
        {
            NotExact?.Invoke(lease.Entry.Id);
        }

        using var client = new RecordingSmtpClient
        {
            LocalDomain = _heloName,
            Timeout = (int)Math.Min(int.MaxValue, _options.CommandTimeout.TotalMilliseconds),
        };
        if (route.AllowInvalidCertificate && !(route.CredentialsNeedTls && route.Username is not null))
        {
            // Opportunistic TLS (RFC 7435) or an operator's explicit choice: encryption without
            // authentication of the server beats plain text.
#pragma warning disable CA5359
            client.ServerCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connect.CancelAfter(_options.ConnectTimeout);
                try
                {
                    await client.ConnectAsync(route.Host, route.Port, ToSocketOptions(route.Tls), connect.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return RelayOutcome.Deferred("connect to " + route.Display + " timed out");
                }
            }

            if (route.Username is not null)
            {
                // Credentials only over TLS whose certificate was checked (the opportunistic
                // accept-anything callback is not installed when there are credentials): a
                // stripped STARTTLS must not hand the password to whoever is in the middle.
                if (route.CredentialsNeedTls && !client.IsSecure)
                {
                    return RelayOutcome.Failed("refusing to authenticate to " + route.Display + " without TLS");
                }

                await client.AuthenticateAsync(route.Username, route.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }

            // An empty address makes MailKit send MAIL FROM:<>, the null reverse-path of
            // autoreplies and bounces (RFC 5321 §4.5.5, RFC 3834 §3.3).
            var sender = new MailboxAddress(string.Empty, lease.Entry.ReturnPath);
            var recipients = new List<MailboxAddress>(lease.Entry.Recipients.Count);
            foreach (var recipient in lease.Entry.Recipients)
            {
                recipients.Add(new MailboxAddress(string.Empty, recipient));
            }

            string reply;
            try
            {
                reply = await client.SendAsync(FormatOptions.Default, message, sender, recipients, cancellationToken).ConfigureAwait(false);
            }
            catch (SmtpCommandException ex) when (ex.ErrorCode == SmtpErrorCode.MessageNotAccepted && client.Refused.Count > 0 && client.Refused.Count == recipients.Count)
            {
                // Every RCPT was refused: permanent only if every refusal was.
                return AllPermanent(client.Refused)
                    ? RelayOutcome.Failed(Describe(client.Refused))
                    : RelayOutcome.Deferred(Describe(client.Refused));
            }

            try
            {
                // Not the shutdown token: the message is accepted, and a cancelled QUIT must not
                // make the caller treat the attempt as interrupted (and send it again).
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(quit: true, quit.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The message is accepted once the server answered the final dot; a failing QUIT
                // changes nothing (RFC 5321 §4.1.1.10).
            }

            if (client.Refused.Count == 0)
            {
                return RelayOutcome.Delivered(reply);
            }

            var retry = new List<string>();
            var rejected = new List<string>();
            foreach (var (address, code, _) in client.Refused)
            {
                (code >= 500 ? rejected : retry).Add(address);
            }

            return RelayOutcome.Delivered(reply) with { RetryRecipients = retry, RejectedRecipients = rejected, };
        }
        catch (SmtpCommandException ex)
        {
            // RFC 5321 §4.2.1: 5yz is a permanent negative completion, 4yz transient.
            var error = ((int)ex.StatusCode).ToString(CultureInfo.InvariantCulture) + " " + ex.Message.Trim();
            return (int)ex.StatusCode >= 500 ? RelayOutcome.Failed(error) : RelayOutcome.Deferred(error);
        }
        catch (AuthenticationException ex)
        {
            // Wrong relay credentials are the operator's to fix; the mail waits meanwhile.
            return RelayOutcome.Deferred("authentication with " + route.Display + " failed: " + ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RelayOutcome.Deferred(route.Display + " timed out");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Connection refused or reset, TLS failure, protocol error, timeout: all transient
            // (RFC 5321 §4.5.4.1 says to retry when the connection cannot be made).
            return RelayOutcome.Deferred(route.Display + ": " + ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static SecureSocketOptions ToSocketOptions(OutboundTlsMode mode) => mode switch
    {
        OutboundTlsMode.None => SecureSocketOptions.None,
        OutboundTlsMode.Implicit => SecureSocketOptions.SslOnConnect,
        OutboundTlsMode.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        _ => SecureSocketOptions.StartTls,
    };

    private static bool AllPermanent(List<(string Address, int Code, string Text)> refused)
    {
        foreach (var (_, code, _) in refused)
        {
            if (code < 500)
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(List<(string Address, int Code, string Text)> refused)
    {
        var parts = new List<string>(refused.Count);
        foreach (var (address, code, text) in refused)
        {
            parts.Add(address + ": " + code.ToString(CultureInfo.InvariantCulture) + " " + text);
        }

        return string.Join("; ", parts);
    }

    /// <summary>Records refused recipients instead of aborting, so the others still get the message.</summary>
    private sealed class RecordingSmtpClient : SmtpClient
    {
        public List<(string Address, int Code, string Text)> Refused { get; } = new();

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
            Refused.Add((mailbox.Address, (int)response.StatusCode, response.Response.Trim()));

        /// <summary>Never re-encode: the stored bytes are sent as they are (see <see cref="RawMimeMessage"/>).</summary>
        protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
        {
        }
    }
}
