// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using Microsoft.Extensions.Options;

namespace WildDuck.Api.Internal;

/// <summary>Refuses API options that cannot work, at start.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    /// <summary>A static token shorter than this is too easy to guess.</summary>
    private const int MinimumTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = new List<string>();
        if (options.AccessToken is { Length: > 0 and < MinimumTokenLength })
        {
            failures.Add("WildDuck:Api:AccessToken must have at least 16 characters.");
        }

        if (options.WebmailAccessToken is { Length: > 0 and < MinimumTokenLength })
        {
            failures.Add("WildDuck:Api:WebmailAccessToken must have at least 16 characters.");
        }

        if (options.TokenLifetime <= TimeSpan.Zero || options.TokenMaxLifetime < options.TokenLifetime)
        {
            failures.Add("WildDuck:Api:TokenLifetime must be positive and TokenMaxLifetime at least as long.");
        }

        if (options.MaxJsonBodySize <= 0 || options.MaxUploadSize < 0)
        {
            failures.Add("WildDuck:Api:MaxJsonBodySize must be positive and MaxUploadSize not negative.");
        }

        if (options.MaxPageSize < 1 || options.DefaultPageSize < 1 || options.DefaultPageSize > options.MaxPageSize)
        {
            failures.Add("WildDuck:Api:DefaultPageSize must be between 1 and MaxPageSize.");
        }

        if (options.MaxRecipientsPerMessage < 1 || options.MaxRecipientsPerDay < 0)
        {
            failures.Add("WildDuck:Api:MaxRecipientsPerMessage must be positive and MaxRecipientsPerDay not negative.");
        }

        if (options.MaxForwardsPerDay < 0)
        {
            failures.Add("WildDuck:Api:MaxForwardsPerDay must not be negative.");
        }

        if (options.UpdatesKeepAliveInterval <= TimeSpan.Zero || options.UpdatesKeepAliveInterval > TimeSpan.FromHours(1))
        {
            failures.Add("WildDuck:Api:UpdatesKeepAliveInterval must be positive and at most one hour.");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add("WildDuck:Api:Port must be between 0 and 65535.");
        }

        if (options.Host != "localhost" && !IPAddress.TryParse(options.Host, out _))
        {
            failures.Add("WildDuck:Api:Host must be an IP address or localhost.");
        }

        var twoFactor = options.TwoFactor;
        if (twoFactor is null)
        {
            failures.Add("WildDuck:Api:TwoFactor must be set.");
        }
        else
        {
            if (twoFactor.TotpWindow is < 0 or > 10)
            {
                failures.Add("WildDuck:Api:TwoFactor:TotpWindow must be between 0 and 10.");
            }

            if (twoFactor.TotpSetupLifetime <= TimeSpan.Zero || twoFactor.WebAuthnChallengeLifetime <= TimeSpan.Zero)
            {
                failures.Add("WildDuck:Api:TwoFactor:TotpSetupLifetime and WebAuthnChallengeLifetime must be positive.");
            }

            if (twoFactor.SecretEncryptionKey is { Length: > 0 and < MinimumTokenLength })
            {
                failures.Add("WildDuck:Api:TwoFactor:SecretEncryptionKey must have at least 16 characters.");
            }

            if (twoFactor.MaxWebAuthnCredentials < 1)
            {
                failures.Add("WildDuck:Api:TwoFactor:MaxWebAuthnCredentials must be at least 1.");
            }

            foreach (var origin in twoFactor.WebAuthnOrigins)
            {
                if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || !string.Equals(origin, uri.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal))
                {
                    failures.Add("WildDuck:Api:TwoFactor:WebAuthnOrigins must be origins such as https://mail.example.com.");
                    break;
                }
            }
        }

        var mobileconfig = options.Mobileconfig;
        if (mobileconfig is null || string.IsNullOrWhiteSpace(mobileconfig.Identifier) || string.IsNullOrWhiteSpace(mobileconfig.ImapHost)
            || string.IsNullOrWhiteSpace(mobileconfig.Pop3Host) || string.IsNullOrWhiteSpace(mobileconfig.SmtpHost)
            || mobileconfig.ImapPort is < 1 or > 65535 || mobileconfig.Pop3Port is < 1 or > 65535 || mobileconfig.SmtpPort is < 1 or > 65535)
        {
            failures.Add("WildDuck:Api:Mobileconfig needs an Identifier, IMAP, POP3 and SMTP hosts, and ports between 1 and 65535.");
        }
        else if (mobileconfig.SigningCertificatePath is { Length: > 0 } path && !File.Exists(path))
        {
            failures.Add("WildDuck:Api:Mobileconfig:SigningCertificatePath names a file that does not exist.");
        }

        var webhooks = options.Webhooks;
        if (webhooks is null || webhooks.MaxAttempts < 1 || webhooks.InitialBackoff < TimeSpan.Zero || webhooks.MaxBackoff < webhooks.InitialBackoff
            || webhooks.Timeout <= TimeSpan.Zero || webhooks.QueueCapacity < 1 || webhooks.MaxConcurrentPosts < 1
            || webhooks.LeaseTime <= webhooks.Timeout || webhooks.PollInterval <= TimeSpan.Zero)
        {
            failures.Add("WildDuck:Api:Webhooks needs MaxAttempts, QueueCapacity and MaxConcurrentPosts of at least 1, a positive Timeout and PollInterval, a LeaseTime longer than Timeout, and 0 <= InitialBackoff <= MaxBackoff.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
