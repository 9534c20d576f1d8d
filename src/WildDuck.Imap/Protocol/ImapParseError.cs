// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics.CodeAnalysis;

namespace WildDuck.Imap.Protocol;

/// <summary>Why a command was rejected with BAD. Each value has one fixed response text.</summary>
internal enum ImapParseError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>The tag is missing or malformed (answered with <c>* BAD</c>).</summary>
    InvalidTag,

    /// <summary>The command name is not known.</summary>
    UnknownCommand,

    /// <summary>A required argument is missing.</summary>
    MissingArguments,

    /// <summary>Arguments are malformed.</summary>
    InvalidArguments,

    /// <summary>Bytes follow the last argument.</summary>
    ExtraArguments,

    /// <summary>A sequence set is malformed.</summary>
    InvalidSequenceSet,

    /// <summary>A mailbox name is malformed (bad modified UTF-7, bad UTF-8, 8-bit without UTF8=ACCEPT).</summary>
    InvalidMailboxName,

    /// <summary>A string is malformed (bad escape, CR/LF/NUL in a quoted string, bad UTF-8).</summary>
    InvalidString,

    /// <summary>A number is malformed or out of range.</summary>
    InvalidNumber,

    /// <summary>A flag is malformed, \Recent, or an unknown system flag.</summary>
    InvalidFlag,

    /// <summary>A FETCH attribute or section is malformed.</summary>
    InvalidFetchAttribute,

    /// <summary>A SEARCH key is malformed.</summary>
    InvalidSearchKey,

    /// <summary>A date is malformed.</summary>
    InvalidDate,

    /// <summary>A literal inside the command is malformed.</summary>
    InvalidLiteral,

    /// <summary>A STATUS item is unknown.</summary>
    InvalidStatusItem,

    /// <summary>A LIST selection or return option is unknown or not allowed alone.</summary>
    InvalidListOption,

    /// <summary>A STORE data item is malformed.</summary>
    InvalidStoreAttribute,

    /// <summary>ID parameters break RFC 2971 §3.3.</summary>
    InvalidIdParameters,

    /// <summary>A command modifier (CONDSTORE, CHANGEDSINCE, UNCHANGEDSINCE, RETURN) is unknown or malformed.</summary>
    InvalidModifier,

    /// <summary>Nesting is too deep.</summary>
    TooDeep,

    /// <summary>The line after IDLE was not DONE.</summary>
    ExpectedDone,
}

/// <summary>The fixed BAD texts of <see cref="ImapParseError"/> (never exception messages).</summary>
internal static class ImapParseErrorText
{
    /// <summary>The response text for <paramref name="error"/>.</summary>
    public static string Of(ImapParseError error) => error switch
    {
        ImapParseError.InvalidTag => "Invalid tag",
        ImapParseError.UnknownCommand => "Unknown command",
        ImapParseError.MissingArguments => "Missing arguments",
        ImapParseError.InvalidArguments => "Invalid arguments",
        ImapParseError.ExtraArguments => "Unexpected extra arguments",
        ImapParseError.InvalidSequenceSet => "Invalid sequence set",
        ImapParseError.InvalidMailboxName => "Invalid mailbox name",
        ImapParseError.InvalidString => "Invalid string",
        ImapParseError.InvalidNumber => "Invalid number",
        ImapParseError.InvalidFlag => "Invalid flag",
        ImapParseError.InvalidFetchAttribute => "Invalid FETCH attribute",
        ImapParseError.InvalidSearchKey => "Invalid SEARCH key",
        ImapParseError.InvalidDate => "Invalid date",
        ImapParseError.InvalidLiteral => "Invalid literal",
        ImapParseError.InvalidStatusItem => "Invalid STATUS item",
        ImapParseError.InvalidListOption => "Invalid LIST option",
        ImapParseError.InvalidStoreAttribute => "Invalid STORE attribute",
        ImapParseError.InvalidIdParameters => "Invalid ID parameters",
        ImapParseError.InvalidModifier => "Invalid command modifier",
        ImapParseError.TooDeep => "Too many nested arguments",
        ImapParseError.ExpectedDone => "Expected DONE",
        _ => "Invalid command",
    };
}

/// <summary>Thrown inside the parser for malformed input; caught by <see cref="ImapCommandParser"/> and turned into a result.</summary>
internal sealed class ImapParseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImapParseException(ImapParseError error)
        : base(ImapParseErrorText.Of(error)) => Error = error;

    /// <summary>Creates the exception (required by the analyzers; prefer the error constructor).</summary>
    public ImapParseException()
        : this(ImapParseError.InvalidArguments)
    {
    }

    /// <summary>Creates the exception (required by the analyzers; prefer the error constructor).</summary>
    public ImapParseException(string message)
        : base(message) => Error = ImapParseError.InvalidArguments;

    /// <summary>Creates the exception (required by the analyzers; prefer the error constructor).</summary>
    public ImapParseException(string message, Exception innerException)
        : base(message, innerException) => Error = ImapParseError.InvalidArguments;

    /// <summary>The error.</summary>
    public ImapParseError Error { get; }

    /// <summary>Throws an <see cref="ImapParseException"/>.</summary>
    [DoesNotReturn]
    public static void Throw(ImapParseError error) => throw new ImapParseException(error);

    /// <summary>Throws an <see cref="ImapParseException"/> from an expression.</summary>
    [DoesNotReturn]
    public static T Throw<T>(ImapParseError error) => throw new ImapParseException(error);
}
