// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace WildDuck.Lmtp.Outbound;

/// <summary>Rejects relay settings that would stall or hammer the queue.</summary>
internal sealed class OutboundRelayOptionsValidator : IValidateOptions<OutboundRelayOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundRelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.BatchSize < 1)
        {
            errors.Add("Outbound:BatchSize must be at least 1.");
        }

        if (options.Concurrency < 1)
        {
            errors.Add("Outbound:Concurrency must be at least 1.");
        }

        if (options.PollInterval <= TimeSpan.Zero || options.BackoffBase <= TimeSpan.Zero || options.BackoffCap < options.BackoffBase)
        {
            errors.Add("Outbound:PollInterval and BackoffBase must be positive and BackoffCap at least BackoffBase.");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.CommandTimeout <= TimeSpan.Zero || options.MaxAge <= TimeSpan.Zero || options.MaxAttempts < 0)
        {
            errors.Add("Outbound:ConnectTimeout, CommandTimeout and MaxAge must be positive and MaxAttempts not negative.");
        }

        // The lease must outlast an attempt, or a slow send would be claimed by a second sender.
        if (options.LeaseTime <= options.ConnectTimeout + options.CommandTimeout)
        {
            errors.Add("Outbound:LeaseTime must exceed ConnectTimeout + CommandTimeout.");
        }

        if (!string.IsNullOrWhiteSpace(options.Smarthost.Host) && options.Smarthost.Port is < 1 or > 65535)
        {
            errors.Add("Outbound:Smarthost:Port must be 1–65535.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
