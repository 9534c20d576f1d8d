// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Mime;

/// <summary>The section-text of a FETCH BODY[...] / BINARY[...] item (RFC 3501 §6.4.5, RFC 9051 §6.4.5).</summary>
public enum SectionKind
{
    /// <summary>No section-text: the whole message (empty part path) or the part's body (BODY[n]).</summary>
    Full,

    /// <summary>HEADER: the header block of the (encapsulated) message, including the empty line.</summary>
    Header,

    /// <summary>HEADER.FIELDS (names): only the listed fields, then the empty line.</summary>
    HeaderFields,

    /// <summary>HEADER.FIELDS.NOT (names): every field except the listed ones, then the empty line.</summary>
    HeaderFieldsNot,

    /// <summary>TEXT: the body of the (encapsulated) message.</summary>
    Text,

    /// <summary>MIME: the MIME header block of part n (only with a part path).</summary>
    Mime,
}
