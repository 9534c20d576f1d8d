// SPDX-License-Identifier: MIT
namespace WildDuck.Imap.Protocol;

/// <summary>
/// The outcome of <c>ImapCommandParser.Parse</c>: a command, or a BAD with a fixed text and
/// the tag when it could be read (null: answer <c>* BAD</c>).
/// </summary>
internal readonly struct ImapParseResult
{
    private ImapParseResult(ImapCommand? command, string? tag, ImapParseError error)
    {
        Command = command;
        Tag = tag;
        Error = error;
    }

    /// <summary>The command, or null on error.</summary>
    public ImapCommand? Command { get; }

    /// <summary>The tag (also on error when it was readable).</summary>
    public string? Tag { get; }

    /// <summary>The error, <see cref="ImapParseError.None"/> on success.</summary>
    public ImapParseError Error { get; }

    /// <summary>True when <see cref="Command"/> is set.</summary>
    public bool IsSuccess => Command is not null;

    /// <summary>The fixed BAD response text.</summary>
    public string ErrorText => ImapParseErrorText.Of(Error);

    /// <summary>A success.</summary>
    public static ImapParseResult Success(ImapCommand command) => new(command, command.Tag, ImapParseError.None);

    /// <summary>A failure.</summary>
    public static ImapParseResult Failure(string? tag, ImapParseError error) => new(null, tag, error);
}
