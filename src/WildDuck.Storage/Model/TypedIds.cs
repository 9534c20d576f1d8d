// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage;

/// <summary>Identifies a user account.</summary>
/// <param name="Value">The underlying id.</param>
public readonly record struct UserId(EntityId Value)
{
    /// <summary>Creates a new id.</summary>
    public static UserId NewId(TimeProvider? time = null) => new(EntityId.NewId(time));

    /// <summary>Parses 24 hex digits.</summary>
    public static bool TryParse(string? text, out UserId id)
    {
        var ok = EntityId.TryParse(text, out var value);
        id = new UserId(value);
        return ok;
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}

/// <summary>Identifies a mailbox (folder).</summary>
/// <param name="Value">The underlying id.</param>
public readonly record struct MailboxId(EntityId Value)
{
    /// <summary>Creates a new id.</summary>
    public static MailboxId NewId(TimeProvider? time = null) => new(EntityId.NewId(time));

    /// <summary>Parses 24 hex digits.</summary>
    public static bool TryParse(string? text, out MailboxId id)
    {
        var ok = EntityId.TryParse(text, out var value);
        id = new MailboxId(value);
        return ok;
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}

/// <summary>Identifies one stored message (a copy gets a new id; a move keeps the id).</summary>
/// <param name="Value">The underlying id.</param>
public readonly record struct MessageId(EntityId Value)
{
    /// <summary>Creates a new id.</summary>
    public static MessageId NewId(TimeProvider? time = null) => new(EntityId.NewId(time));

    /// <summary>Parses 24 hex digits.</summary>
    public static bool TryParse(string? text, out MessageId id)
    {
        var ok = EntityId.TryParse(text, out var value);
        id = new MessageId(value);
        return ok;
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString();
}
