// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Storage.Mime;

/// <summary>
/// A parsed FETCH section: <c>BODY[section]&lt;partial&gt;</c> or <c>BINARY[section-part]&lt;partial&gt;</c>.
/// </summary>
/// <remarks>
/// RFC 3501 §6.4.5 (section-spec, part numbering, partial semantics) and RFC 3516 §4.1 / RFC 9051
/// §6.4.5 (BINARY). Part numbers are 1-based; an empty <see cref="Part"/> means the whole message.
/// </remarks>
public sealed record SectionSpec
{
    /// <summary>The part path ("1.2.3" is [1, 2, 3]); empty for the whole message.</summary>
    public IReadOnlyList<int> Part { get; init; } = Array.Empty<int>();

    /// <summary>The section-text.</summary>
    public SectionKind Kind { get; init; } = SectionKind.Full;

    /// <summary>Field names for <see cref="SectionKind.HeaderFields"/> and <see cref="SectionKind.HeaderFieldsNot"/>.</summary>
    public IReadOnlyList<string> FieldNames { get; init; } = Array.Empty<string>();

    /// <summary>True for BINARY[...] (RFC 3516): the decoded content of a leaf part.</summary>
    public bool Binary { get; init; }

    /// <summary>The partial origin octet (&lt;o.n&gt;'s o), or null for no partial.</summary>
    public long? PartialOffset { get; init; }

    /// <summary>The partial length (&lt;o.n&gt;'s n), or null for "to the end".</summary>
    public long? PartialLength { get; init; }

    /// <summary>The whole message, BODY[].</summary>
    public static SectionSpec WholeMessage { get; } = new();
}
