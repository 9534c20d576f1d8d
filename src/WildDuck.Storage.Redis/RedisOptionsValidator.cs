// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WildDuck.Storage.Redis;

/// <summary>Rejects Redis options that could not work, at host start rather than at the first notification.</summary>
internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    /// <summary>Longer than this and a wake-up is late enough for IDLE clients to notice.</summary>
    private static readonly TimeSpan MaxDebounce = TimeSpan.FromSeconds(5);

    /// <summary>Longer than this and the slots of a crashed instance lock its users out for too long.</summary>
    private static readonly TimeSpan MaxConnectionLeaseTtl = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add("WildDuck:Redis:Configuration must not be empty.");
        }
        else
        {
            try
            {
                _ = ConfigurationOptions.Parse(options.Configuration);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"WildDuck:Redis:Configuration is not a valid StackExchange.Redis configuration string: {ex.Message}");
            }
        }

        if (options.ChannelPrefix is null || options.ChannelPrefix.AsSpan().ContainsAny(" \r\n\t"))
        {
            failures.Add("WildDuck:Redis:ChannelPrefix must not be null or contain white space.");
        }

        if (options.DebounceInterval < TimeSpan.Zero || options.DebounceInterval > MaxDebounce)
        {
            failures.Add("WildDuck:Redis:DebounceInterval must be between 0 and 5 seconds.");
        }

        if (options.ConnectionLeaseTtl < RedisOptions.MinConnectionLeaseTtl || options.ConnectionLeaseTtl > MaxConnectionLeaseTtl)
        {
            failures.Add("WildDuck:Redis:ConnectionLeaseTtl must be between 1 second and 1 hour.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
