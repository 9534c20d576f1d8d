// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace WildDuck.Storage.Sqlite;

/// <summary>An attachment descriptor as stored in <c>message_parsed.attachments</c>.</summary>
internal sealed class StoredAttachment
{
    public string Id { get; set; } = string.Empty;

    public string PartNumber { get; set; } = string.Empty;

    public string? FileName { get; set; }

    public string ContentType { get; set; } = string.Empty;

    public string? Disposition { get; set; }

    public string TransferEncoding { get; set; } = string.Empty;

    public string? ContentId { get; set; }

    public bool Related { get; set; }

    public long EncodedSize { get; set; }

    public long DecodedSize { get; set; }

    public string? Hash { get; set; }
}

/// <summary>A filter's query and action as stored in <c>filters.query</c> / <c>filters.action</c>.</summary>
internal sealed class StoredFilterQuery
{
    public string? From { get; set; }

    public string? To { get; set; }

    public string? Subject { get; set; }

    public string? ListId { get; set; }

    public string? Text { get; set; }

    public bool? HasAttachments { get; set; }

    public long? Size { get; set; }
}

/// <summary>See <see cref="StoredFilterQuery"/>.</summary>
internal sealed class StoredFilterAction
{
    public bool? Seen { get; set; }

    public bool? Flag { get; set; }

    public bool? Delete { get; set; }

    public bool? Spam { get; set; }

    public string? Mailbox { get; set; }

    public List<string> Targets { get; set; } = new();
}

/// <summary>Source-generated JSON (no reflection: the package is trimmable and AOT-compatible).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<StoredAttachment>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(StoredFilterQuery))]
[JsonSerializable(typeof(StoredFilterAction))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext
{
}
