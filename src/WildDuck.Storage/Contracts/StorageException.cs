// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage;

/// <summary>Why a storage operation was refused. Protocol layers map these to response codes.</summary>
public enum StorageError
{
    /// <summary>The user, mailbox or message does not exist (IMAP [NONEXISTENT], [TRYCREATE]).</summary>
    NotFound,

    /// <summary>The name is taken (IMAP [ALREADYEXISTS]).</summary>
    AlreadyExists,

    /// <summary>The operation would exceed the user's quota (IMAP [OVERQUOTA]).</summary>
    OverQuota,

    /// <summary>The operation is not allowed on this object (IMAP [CANNOT]).</summary>
    Cannot,

    /// <summary>A configured limit was reached (IMAP [LIMIT]).</summary>
    Limit,

    /// <summary>The input is invalid (bad name, bad flag).</summary>
    Invalid,

    /// <summary>The message exceeds a size or structure limit (IMAP [TOOBIG]).</summary>
    TooBig,

    /// <summary>Another writer changed the object; retry.</summary>
    Conflict,

    /// <summary>
    /// The backend cannot serve the request now: it is unreachable, locked for longer than its
    /// timeout, out of space, read-only, or its files are damaged. Nothing of the operation was
    /// committed; a retry may succeed later (IMAP <c>NO [UNAVAILABLE]</c>, LMTP <c>451 4.3.0</c>,
    /// POP3 <c>-ERR [SYS/TEMP]</c>). The message is for logs, not for clients.
    /// </summary>
    Unavailable,
}

/// <summary>A refused storage operation with a machine-readable <see cref="Error"/>.</summary>
public class StorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageException(StorageError error, string message)
        : base(message) => Error = error;

    /// <summary>Creates the exception with an inner cause.</summary>
    public StorageException(StorageError error, string message, Exception inner)
        : base(message, inner) => Error = error;

    /// <summary>Creates the exception (serialization-free default).</summary>
    public StorageException()
        : this(StorageError.Invalid, "Storage operation failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageException(string message)
        : this(StorageError.Invalid, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageException(string message, Exception inner)
        : this(StorageError.Invalid, message, inner)
    {
    }

    /// <summary>The reason.</summary>
    public StorageError Error { get; }
}

/// <summary>Which message limit was exceeded.</summary>
public enum MessageLimit
{
    /// <summary>The message is larger than <see cref="MessageLimits.MaxMessageSize"/>.</summary>
    Size,

    /// <summary>MIME nesting is deeper than <see cref="MessageLimits.MaxMimeDepth"/>.</summary>
    Depth,

    /// <summary>The message has more entities than <see cref="MessageLimits.MaxMimeParts"/>.</summary>
    Parts,
}

/// <summary>Thrown when a message exceeds a configured limit; nothing is stored.</summary>
public sealed class MessageLimitExceededException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public MessageLimitExceededException(MessageLimit limit, long actual, long maximum)
        : base(StorageError.TooBig, $"Message exceeds the {limit} limit: {actual} > {maximum}.")
    {
        Limit = limit;
        Actual = actual;
        Maximum = maximum;
    }

    /// <summary>Creates the exception.</summary>
    public MessageLimitExceededException()
        : this(MessageLimit.Size, 0, 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MessageLimitExceededException(string message)
        : base(StorageError.TooBig, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MessageLimitExceededException(string message, Exception inner)
        : base(StorageError.TooBig, message, inner)
    {
    }

    /// <summary>The limit.</summary>
    public MessageLimit Limit { get; }

    /// <summary>The measured value (for Size: bytes known so far).</summary>
    public long Actual { get; }

    /// <summary>The configured maximum.</summary>
    public long Maximum { get; }
}
