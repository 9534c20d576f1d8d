// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Imap.Protocol;

/// <summary>LIST selection options (RFC 5258 §3.1, RFC 6154 §5.1).</summary>
[Flags]
internal enum ListSelectionOptions
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>SUBSCRIBED.</summary>
    Subscribed = 1,

    /// <summary>REMOTE.</summary>
    Remote = 2,

    /// <summary>RECURSIVEMATCH (only with another option).</summary>
    RecursiveMatch = 4,

    /// <summary>SPECIAL-USE.</summary>
    SpecialUse = 8,
}

/// <summary>LIST return options (RFC 5258 §3.2, RFC 6154 §5.2, RFC 5819).</summary>
[Flags]
internal enum ListReturnOptions
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>SUBSCRIBED.</summary>
    Subscribed = 1,

    /// <summary>CHILDREN.</summary>
    Children = 2,

    /// <summary>SPECIAL-USE.</summary>
    SpecialUse = 4,

    /// <summary>STATUS (items) (RFC 5819).</summary>
    Status = 8,
}

/// <summary>STATUS data items (RFC 3501 §6.3.10, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE, RFC 9051 DELETED, RFC 7889 APPENDLIMIT).</summary>
[Flags]
internal enum StatusItems
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>MESSAGES.</summary>
    Messages = 1,

    /// <summary>RECENT.</summary>
    Recent = 2,

    /// <summary>UIDNEXT.</summary>
    UidNext = 4,

    /// <summary>UIDVALIDITY.</summary>
    UidValidity = 8,

    /// <summary>UNSEEN.</summary>
    Unseen = 16,

    /// <summary>HIGHESTMODSEQ.</summary>
    HighestModSeq = 32,

    /// <summary>SIZE.</summary>
    Size = 64,

    /// <summary>DELETED.</summary>
    Deleted = 128,

    /// <summary>APPENDLIMIT.</summary>
    AppendLimit = 256,
}

/// <summary>ESEARCH RETURN options (RFC 4731 §3.1).</summary>
[Flags]
internal enum SearchReturnOptions
{
    /// <summary>None (RETURN () means ALL).</summary>
    None = 0,

    /// <summary>MIN.</summary>
    Min = 1,

    /// <summary>MAX.</summary>
    Max = 2,

    /// <summary>ALL.</summary>
    All = 4,

    /// <summary>COUNT.</summary>
    Count = 8,
}
