// SPDX-License-Identifier: MIT
using WildDuck.Storage.Mime;

namespace WildDuck.Imap.Protocol;

/// <summary>The kind of a FETCH data item (RFC 3501 §6.4.5, RFC 3516 §4.1, RFC 7162 §3.1.4).</summary>
internal enum FetchItemKind
{
    /// <summary>FLAGS.</summary>
    Flags,

    /// <summary>UID.</summary>
    Uid,

    /// <summary>INTERNALDATE.</summary>
    InternalDate,

    /// <summary>RFC822.SIZE.</summary>
    Rfc822Size,

    /// <summary>ENVELOPE.</summary>
    Envelope,

    /// <summary>BODYSTRUCTURE.</summary>
    BodyStructure,

    /// <summary>BODY without a section: the non-extensible BODYSTRUCTURE.</summary>
    Body,

    /// <summary>MODSEQ (RFC 7162).</summary>
    ModSeq,

    /// <summary>RFC822: like BODY[], sets \Seen; answered as RFC822.</summary>
    Rfc822,

    /// <summary>RFC822.HEADER: like BODY.PEEK[HEADER]; answered as RFC822.HEADER.</summary>
    Rfc822Header,

    /// <summary>RFC822.TEXT: like BODY[TEXT], sets \Seen; answered as RFC822.TEXT.</summary>
    Rfc822Text,

    /// <summary>BODY[section]&lt;partial&gt; or BODY.PEEK[...].</summary>
    BodySection,

    /// <summary>BINARY[part]&lt;partial&gt; or BINARY.PEEK[...] (RFC 3516).</summary>
    BinarySection,

    /// <summary>BINARY.SIZE[part] (RFC 3516).</summary>
    BinarySize,
}

/// <summary>
/// One FETCH data item. Section items carry the storage <see cref="SectionSpec"/> and the exact
/// item name to echo in the response (RFC 3501 §7.4.2: <c>BODY[HEADER.FIELDS (From To)]&lt;0&gt;</c>;
/// .PEEK is dropped and a partial echoes only its origin).
/// </summary>
/// <param name="Kind">The item.</param>
/// <param name="Section">The section for BODY[...]/BINARY[...]/BINARY.SIZE[...] and the RFC822 forms; otherwise null.</param>
/// <param name="Peek">True for BODY.PEEK/BINARY.PEEK/RFC822.HEADER: \Seen is not set.</param>
/// <param name="ResponseName">The item name as written in the FETCH response (ASCII).</param>
internal sealed record FetchItem(FetchItemKind Kind, SectionSpec? Section, bool Peek, byte[] ResponseName)
{
    /// <summary>FLAGS.</summary>
    public static FetchItem Flags { get; } = new(FetchItemKind.Flags, null, true, ImapStrings.Flags.ToArray());

    /// <summary>UID.</summary>
    public static FetchItem Uid { get; } = new(FetchItemKind.Uid, null, true, ImapStrings.Uid.ToArray());

    /// <summary>INTERNALDATE.</summary>
    public static FetchItem InternalDate { get; } = new(FetchItemKind.InternalDate, null, true, ImapStrings.InternalDate.ToArray());

    /// <summary>RFC822.SIZE.</summary>
    public static FetchItem Rfc822Size { get; } = new(FetchItemKind.Rfc822Size, null, true, ImapStrings.Rfc822Size.ToArray());

    /// <summary>ENVELOPE.</summary>
    public static FetchItem Envelope { get; } = new(FetchItemKind.Envelope, null, true, ImapStrings.Envelope.ToArray());

    /// <summary>BODYSTRUCTURE.</summary>
    public static FetchItem BodyStructure { get; } = new(FetchItemKind.BodyStructure, null, true, ImapStrings.BodyStructure.ToArray());

    /// <summary>BODY.</summary>
    public static FetchItem Body { get; } = new(FetchItemKind.Body, null, true, ImapStrings.Body.ToArray());

    /// <summary>MODSEQ.</summary>
    public static FetchItem ModSeq { get; } = new(FetchItemKind.ModSeq, null, true, ImapStrings.ModSeq.ToArray());

    /// <summary>RFC822 (the whole message; sets \Seen).</summary>
    public static FetchItem Rfc822 { get; } = new(FetchItemKind.Rfc822, SectionSpec.WholeMessage, false, ImapStrings.Rfc822.ToArray());

    /// <summary>RFC822.HEADER.</summary>
    public static FetchItem Rfc822Header { get; } = new(FetchItemKind.Rfc822Header, new SectionSpec { Kind = SectionKind.Header }, true, ImapStrings.Rfc822Header.ToArray());

    /// <summary>RFC822.TEXT (sets \Seen).</summary>
    public static FetchItem Rfc822Text { get; } = new(FetchItemKind.Rfc822Text, new SectionSpec { Kind = SectionKind.Text }, false, ImapStrings.Rfc822Text.ToArray());

    /// <summary>The response name as a string (tests, logs).</summary>
    public string ResponseNameText => System.Text.Encoding.ASCII.GetString(ResponseName);

    /// <summary>True when fetching this item sets \Seen (RFC 3501 §6.4.5) on a read-write mailbox.</summary>
    public bool SetsSeen => !Peek && Kind is FetchItemKind.BodySection or FetchItemKind.BinarySection or FetchItemKind.Rfc822 or FetchItemKind.Rfc822Text;
}
