// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace WildDuck.Lmtp.Protocol;

/// <summary>Rejects LMTP option values that would make the server unusable or unbounded, at host start.</summary>
internal sealed class LmtpOptionsValidator : IValidateOptions<LmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, LmtpOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("WildDuck:Lmtp:Host must not be empty.");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add("WildDuck:Lmtp:Port must be between 0 and 65535.");
        }

        // The message is held in one contiguous pooled array for the delivery agent.
        if (options.MaxMessageSize < 1024 || options.MaxMessageSize > 1L << 30)
        {
            failures.Add("WildDuck:Lmtp:MaxMessageSize must be between 1 KiB and 1 GiB.");
        }

        if (options.MaxCommandExtensionLength is < 0 or > 64 * 1024)
        {
            failures.Add("WildDuck:Lmtp:MaxCommandExtensionLength must be between 0 and 65536.");
        }

        if (options.MaxRecipients is < 100 or > 100_000)
        {
            failures.Add("WildDuck:Lmtp:MaxRecipients must be between 100 (RFC 5321 §4.5.3.1.8) and 100000.");
        }

        if (options.InactivityTimeout <= TimeSpan.Zero)
        {
            failures.Add("WildDuck:Lmtp:InactivityTimeout must be positive.");
        }

        if (options.MaxBadCommands < 1)
        {
            failures.Add("WildDuck:Lmtp:MaxBadCommands must be at least 1.");
        }

        if (!Enum.IsDefined(options.Vrfy))
        {
            failures.Add("WildDuck:Lmtp:Vrfy is not a known mode.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
