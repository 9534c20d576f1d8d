// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace WildDuck.Storage;

/// <summary>Rejects option values that would make the store unsafe or unusable, at host start.</summary>
internal sealed class WildDuckOptionsValidator : IValidateOptions<WildDuckOptions>
{
    public ValidateOptionsResult Validate(string? name, WildDuckOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Hostname))
        {
            failures.Add("WildDuck:Hostname must not be empty.");
        }

        var m = options.Messages;
        if (m.MaxMessageSize < 1024 || m.MaxMessageSize > 1L << 30)
        {
            failures.Add("WildDuck:Messages:MaxMessageSize must be between 1 KiB and 1 GiB.");
        }

        if (m.MaxMimeDepth is < 1 or > 1000)
        {
            failures.Add("WildDuck:Messages:MaxMimeDepth must be between 1 and 1000.");
        }

        if (m.MaxMimeParts is < 1 or > 100_000)
        {
            failures.Add("WildDuck:Messages:MaxMimeParts must be between 1 and 100000.");
        }

        if (m.ExternalizeTextThreshold < 0 || m.ExternalizeMinimumSize < 0)
        {
            failures.Add("WildDuck:Messages externalisation thresholds must not be negative.");
        }

        if (options.Users.MaxWebhooks < 1)
        {
            failures.Add("WildDuck:Users:MaxWebhooks must be at least 1.");
        }

        if (options.Users.MaxForwardsPerDay < 0)
        {
            failures.Add("WildDuck:Users:MaxForwardsPerDay must not be negative.");
        }

        if (options.Users.DefaultQuota < 0)
        {
            failures.Add("WildDuck:Users:DefaultQuota must not be negative.");
        }

        if (options.Users.MaxMailboxes < 5)
        {
            failures.Add("WildDuck:Users:MaxMailboxes must be at least 5 (the default folders).");
        }

        if (options.Passwords.Pbkdf2Iterations < 100_000)
        {
            failures.Add("WildDuck:Passwords:Pbkdf2Iterations must be at least 100000.");
        }

        var a = options.Authentication;
        if (a.AuthLogRetention < TimeSpan.Zero || a.AuthLogMergeWindow < TimeSpan.Zero || a.AuthLogPurgeInterval <= TimeSpan.Zero)
        {
            failures.Add("WildDuck:Authentication:AuthLogRetention and AuthLogMergeWindow must not be negative, AuthLogPurgeInterval must be positive.");
        }

        if (a.TemporaryPasswordLifetime <= TimeSpan.Zero)
        {
            failures.Add("WildDuck:Authentication:TemporaryPasswordLifetime must be positive.");
        }

        if (a.MaxApplicationPasswords is < 1 or > 1000)
        {
            failures.Add("WildDuck:Authentication:MaxApplicationPasswords must be between 1 and 1000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
