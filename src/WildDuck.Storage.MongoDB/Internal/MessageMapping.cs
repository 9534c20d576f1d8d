// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using MongoDB.Bson;
using WildDuck.Storage.Mime;
using WildDuck.Storage.MongoDB.Documents;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>Builds message documents from indexed messages and reads records back.</summary>
internal static class MessageMapping
{
    /// <summary>The document of a newly stored message.</summary>
    public static MessageDocument Create(
        ObjectId id,
        ObjectId user,
        ObjectId mailbox,
        uint uid,
        long modseq,
        MessageFlags flags,
        IReadOnlyList<string> keywords,
        DateTimeOffset internalDate,
        IndexedMessage indexed,
        ObjectId thread,
        string source,
        int magic,
        DateTime now)
    {
        var meta = indexed.Metadata;
        var headerDate = meta.HeaderDate ?? internalDate;
        var document = new MessageDocument
        {
            Id = id,
            User = user,
            Mailbox = mailbox,
            Uid = uid,
            ModSeq = modseq,
            InternalDate = MongoMapping.ToBsonDate(internalDate),
            InternalOffset = (int)internalDate.Offset.TotalMinutes,
            InternalDay = DayOf(internalDate),
            HeaderDate = MongoMapping.ToBsonDate(headerDate),
            HeaderOffset = (int)headerDate.Offset.TotalMinutes,
            HeaderDay = DayOf(headerDate),
            Size = indexed.Size,
            Thread = thread,
            Subject = WellFormed(meta.Subject),
            MessageIdHeader = WellFormedOrNull(meta.MessageIdHeader),
            HasAttachments = meta.HasAttachments,
            Envelope = meta.Envelope,
            BodyStructure = meta.BodyStructure,
            Body = meta.Body,
            Layout = MessageLayoutSerializer.Serialize(indexed.Layout),
            Inline = indexed.InlineContent.ToArray(),
            Magic = magic,
            Text = WellFormedOrNull(meta.Text),
            Html = meta.Html.Select(WellFormed).ToList(),
            Intro = WellFormedOrNull(meta.Intro),
            Meta = new MessageMetaDocument { Source = source, Time = now },
            Search = SearchText(meta),
        };
        foreach (var body in indexed.ExternalBodies)
        {
            document.AttachmentIds.Add(body.Hash.ToByteArray());
        }

        foreach (var a in meta.Attachments)
        {
            document.Attachments.Add(new AttachmentInfoDocument
            {
                Id = a.Id,
                PartNumber = a.PartNumber,
                FileName = WellFormedOrNull(a.FileName),
                ContentType = a.ContentType,
                Disposition = a.Disposition,
                TransferEncoding = a.TransferEncoding,
                ContentId = WellFormedOrNull(a.ContentId),
                Related = a.Related,
                Size = a.EncodedSize,
                DecodedSize = a.DecodedSize,
                Hash = a.Hash?.ToByteArray(),
            });
        }

        SetFlags(document, flags, keywords);
        return document;
    }

    /// <summary>The calendar date of a point in time in its own offset (RFC 3501 dates disregard time and timezone).</summary>
    public static int DayOf(DateTimeOffset value)
    {
        // Whole seconds, like the SQLite backend (which compares dates of unix seconds plus offset).
        var seconds = value.ToUnixTimeSeconds() + (long)value.Offset.TotalSeconds;
        return DateOnly.FromDateTime(DateTime.UnixEpoch.AddSeconds(seconds)).DayNumber;
    }

    /// <summary>Writes <c>flags[]</c> and the denormalised booleans.</summary>
    public static void SetFlags(MessageDocument document, MessageFlags flags, IReadOnlyList<string> keywords)
    {
        document.Flags = MongoMapping.FlagList(flags, keywords);
        document.Unseen = (flags & MessageFlags.Seen) == 0;
        document.Flagged = (flags & MessageFlags.Flagged) != 0;
        document.Undeleted = (flags & MessageFlags.Deleted) == 0;
        document.Draft = (flags & MessageFlags.Draft) != 0;
    }

    /// <summary>The search text: every string folded with <see cref="MongoSearchTranslator.Fold"/> (docs/storage.md, "Search").</summary>
    public static SearchTextDocument SearchText(MessageMetadata meta)
    {
        var search = new SearchTextDocument
        {
            From = AddressText(meta.From),
            To = AddressText(meta.To),
            Cc = AddressText(meta.Cc),
            Bcc = AddressText(meta.Bcc),
            Subject = Fold(meta.Subject),
            Headers = Fold(meta.SearchHeaders),
            Body = Fold(meta.SearchBody),
        };

        // One entry per "name: value" line, split as the SQLite backend's wd_header splits it.
        var span = meta.SearchHeaders.AsSpan();
        while (!span.IsEmpty)
        {
            var end = span.IndexOf('\n');
            var line = end < 0 ? span : span[..end];
            span = end < 0 ? ReadOnlySpan<char>.Empty : span[(end + 1)..];
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            search.Fields.Add(new SearchFieldDocument
            {
                Key = Fold(line[..colon].Trim().ToString()),
                Value = Fold(line[(colon + 1)..].ToString()),
            });
        }

        return search;
    }

    /// <summary>Display names and addresses, one per line, folded (FROM/TO/CC/BCC).</summary>
    private static string AddressText(IReadOnlyList<MailAddress> addresses) =>
        Fold(string.Join('\n', addresses.Select(a => a.Name is { Length: > 0 } name ? $"{name} <{a.Address}>" : a.Address ?? string.Empty)));

    /// <summary>Folded (<see cref="MongoSearchTranslator.Fold"/>) and well-formed search text.</summary>
    private static string Fold(string value) => MongoSearchTranslator.Fold(WellFormed(value));

    /// <summary>
    /// True when <paramref name="value"/> has no lone surrogate. BSON strings are strict UTF-8, so
    /// a lone surrogate (e.g. a preview cut inside a surrogate pair) would fail the whole insert.
    /// </summary>
    public static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The text with every lone surrogate replaced by U+FFFD (unchanged and not copied when well-formed).</summary>
    public static string WellFormed(string value)
    {
        if (IsWellFormed(value))
        {
            return value;
        }

        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    private static string? WellFormedOrNull(string? value) => value is null ? null : WellFormed(value);

    /// <summary>The record of a (projected) document; fields left out of the projection read as absent.</summary>
    public static MessageRecord ToRecord(MessageDocument d, MailboxId mailbox, bool envelope, bool structure)
    {
        var (flags, keywords) = MongoMapping.SplitFlags(d.Flags);
        return new MessageRecord
        {
            Id = MongoIds.ToMessageId(d.Id),
            Mailbox = mailbox,
            Uid = (uint)d.Uid,
            ModSeq = d.ModSeq,
            Flags = flags,
            Keywords = keywords,
            InternalDate = At(d.InternalDate, d.InternalOffset),
            HeaderDate = At(d.HeaderDate, d.HeaderOffset),
            Size = d.Size,
            Thread = d.Thread == ObjectId.Empty ? EntityId.Empty : MongoIds.ToEntityId(d.Thread),
            Subject = d.Subject,
            MessageIdHeader = d.MessageIdHeader,
            HasAttachments = d.HasAttachments,
            Envelope = envelope ? d.Envelope : null,
            BodyStructure = structure ? d.BodyStructure : null,
            Body = structure ? d.Body : null,
        };
    }

    private static DateTimeOffset At(DateTime utc, int offsetMinutes) =>
        MongoMapping.FromBsonDate(utc).ToOffset(TimeSpan.FromMinutes(offsetMinutes));
}
