// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace WildDuck.Storage.MongoDB;

/// <summary>Rejects MongoDB options that could not work, at host start rather than at the first query.</summary>
internal sealed class MongoStorageOptionsValidator : IValidateOptions<MongoStorageOptions>
{
    private const string Section = "WildDuck:Storage:MongoDB";

    private static readonly SearchValues<char> InvalidDatabaseCharacters = SearchValues.Create("/\\. \"$*<>:|?");

    /// <summary>Above this a single transaction would risk MongoDB's 60 s transaction lifetime limit again.</summary>
    internal const int MaxMessagesPerTransactionLimit = 100_000;

    public ValidateOptionsResult Validate(string? name, MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{Section}:ConnectionString must be set (e.g. mongodb://127.0.0.1:27017/?replicaSet=rs0).");
        }
        else if (ParseUrl(options.ConnectionString) is { } error)
        {
            failures.Add($"{Section}:ConnectionString is not a valid MongoDB connection string: {error}");
        }

        CheckDatabaseName(failures, "Database", options.Database, required: true);
        CheckTarget(failures, "UsersDatabase", options.UsersDatabase);
        CheckTarget(failures, "AttachmentsDatabase", options.AttachmentsDatabase);
        if (string.IsNullOrWhiteSpace(options.AttachmentBucket) || options.AttachmentBucket.Contains('$', StringComparison.Ordinal))
        {
            failures.Add($"{Section}:AttachmentBucket must be a collection name prefix (not empty, no '$').");
        }

        CheckPositive(failures, "UsersQueryTimeLimit", options.UsersQueryTimeLimit);
        CheckPositive(failures, "MessagesQueryTimeLimit", options.MessagesQueryTimeLimit);
        CheckPositive(failures, "ServerSelectionTimeout", options.ServerSelectionTimeout);
        if (options.JournalExpiry < TimeSpan.Zero)
        {
            failures.Add($"{Section}:JournalExpiry must not be negative (zero disables the TTL index).");
        }

        if (options.MaxMessagesPerTransaction is < 1 or > MaxMessagesPerTransactionLimit)
        {
            failures.Add($"{Section}:MaxMessagesPerTransaction must be between 1 and {MaxMessagesPerTransactionLimit} (default 1000).");
        }

        if (!Enum.IsDefined(options.UseTransactions))
        {
            failures.Add($"{Section}:UseTransactions must be Auto, Always or Never.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>True when <paramref name="value"/> names a separate connection rather than a database (WildDuck: it contains ':' or '/').</summary>
    internal static bool IsConnectionUrl(string value) =>
        value.Contains(':', StringComparison.Ordinal) || value.Contains('/', StringComparison.Ordinal);

    private static string? ParseUrl(string url)
    {
        try
        {
            _ = MongoUrl.Create(url);
            return null;
        }
        catch (Exception ex) when (ex is MongoConfigurationException or ArgumentException or FormatException)
        {
            return ex.Message;
        }
    }

    private static void CheckTarget(List<string> failures, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (IsConnectionUrl(value))
        {
            if (ParseUrl(value) is { } error)
            {
                failures.Add($"{Section}:{key} is neither a database name nor a valid MongoDB connection string: {error}");
            }
        }
        else
        {
            CheckDatabaseName(failures, key, value, required: false);
        }
    }

    private static void CheckDatabaseName(List<string> failures, string key, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                failures.Add($"{Section}:{key} must name a database.");
            }

            return;
        }

        if (value.Length > 63 || value.AsSpan().ContainsAny(InvalidDatabaseCharacters))
        {
            failures.Add($"{Section}:{key} '{value}' is not a valid database name (at most 63 characters, none of /\\. \"$*<>:|?).");
        }
    }

    private static void CheckPositive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{key} must be positive.");
        }
    }
}
