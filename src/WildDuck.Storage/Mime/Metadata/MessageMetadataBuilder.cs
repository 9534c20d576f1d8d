// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;

namespace WildDuck.Storage.Mime;

// Replaced by the metadata branch on merge.
// A deliberately tiny stand-in so that the pipeline branch builds and its tests run; it computes
// no real ENVELOPE, BODYSTRUCTURE, text or search data.

/// <summary>Computes the derived message data once at ingest (placeholder; see the metadata branch).</summary>
internal static class MessageMetadataBuilder
{
    /// <summary>Builds the metadata of a normalised, indexed message.</summary>
    public static MessageMetadata Build(
        ReadOnlyMemory<byte> normalizedMessage,
        MimePartNode root,
        MessageLimits limits,
        IReadOnlyList<AttachmentDescriptor> attachments,
        bool hasAttachments)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(limits);
        _ = normalizedMessage;
        return new MessageMetadata
        {
            Envelope = Encoding.ASCII.GetBytes("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"),
            BodyStructure = Encoding.ASCII.GetBytes("NIL"),
            Body = Encoding.ASCII.GetBytes("NIL"),
            Subject = string.Empty,
            Attachments = attachments,
            HasAttachments = hasAttachments,
            SearchHeaders = string.Empty,
            SearchBody = string.Empty,
            ThreadSubject = string.Empty,
        };
    }
}
