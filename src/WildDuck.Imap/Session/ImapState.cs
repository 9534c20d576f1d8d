// SPDX-License-Identifier: MIT
using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using WildDuck.Imap.Protocol;

namespace WildDuck.Imap.Session;

/// <summary>The connection states of RFC 3501 §3, as flags so a command can name several.</summary>
[Flags]
internal enum ImapState
{
    /// <summary>Before LOGIN/AUTHENTICATE.</summary>
    NotAuthenticated = 1,

    /// <summary>Logged in, no mailbox selected.</summary>
    Authenticated = 2,

    /// <summary>A mailbox is selected.</summary>
    Selected = 4,

    /// <summary>LOGOUT was issued or the server is closing.</summary>
    Logout = 8,

    /// <summary>Any state but Logout.</summary>
    Any = NotAuthenticated | Authenticated | Selected,

    /// <summary>Authenticated or Selected.</summary>
    LoggedIn = Authenticated | Selected,
}

/// <summary>
/// Which commands each state accepts (RFC 3501 §6, RFC 9051 §6, and each extension's RFC). The
/// session checks this table before it calls a handler; handlers never re-check the state.
/// </summary>
internal static class ImapStateTable
{
    private static readonly FrozenDictionary<Type, ImapState> s_allowed = new Dictionary<Type, ImapState>
    {
        // RFC 3501 §6.1: any state.
        [typeof(CapabilityCommand)] = ImapState.Any,
        [typeof(NoopCommand)] = ImapState.Any,
        [typeof(LogoutCommand)] = ImapState.Any,
        [typeof(IdCommand)] = ImapState.Any, // RFC 2971 §3.1

        // RFC 3501 §6.2: not authenticated.
        [typeof(StartTlsCommand)] = ImapState.NotAuthenticated,
        [typeof(LoginCommand)] = ImapState.NotAuthenticated,
        [typeof(AuthenticateCommand)] = ImapState.NotAuthenticated,

        // RFC 3501 §6.3 and extensions: authenticated (and selected).
        [typeof(EnableCommand)] = ImapState.LoggedIn, // RFC 5161 §3.1
        [typeof(SelectCommand)] = ImapState.LoggedIn,
        [typeof(CreateCommand)] = ImapState.LoggedIn,
        [typeof(DeleteCommand)] = ImapState.LoggedIn,
        [typeof(RenameCommand)] = ImapState.LoggedIn,
        [typeof(SubscribeCommand)] = ImapState.LoggedIn,
        [typeof(UnsubscribeCommand)] = ImapState.LoggedIn,
        [typeof(ListCommand)] = ImapState.LoggedIn,
        [typeof(LsubCommand)] = ImapState.LoggedIn,
        [typeof(NamespaceCommand)] = ImapState.LoggedIn, // RFC 2342
        [typeof(StatusCommand)] = ImapState.LoggedIn,
        [typeof(AppendCommand)] = ImapState.LoggedIn,
        [typeof(IdleCommand)] = ImapState.LoggedIn, // RFC 2177
        [typeof(GetQuotaCommand)] = ImapState.LoggedIn, // RFC 9208
        [typeof(GetQuotaRootCommand)] = ImapState.LoggedIn,
        [typeof(SetQuotaCommand)] = ImapState.LoggedIn,
        [typeof(CompressCommand)] = ImapState.LoggedIn, // RFC 4978 §3

        // RFC 3501 §6.4: selected.
        [typeof(CheckCommand)] = ImapState.Selected,
        [typeof(CloseCommand)] = ImapState.Selected,
        [typeof(UnselectCommand)] = ImapState.Selected, // RFC 3691
        [typeof(ExpungeCommand)] = ImapState.Selected,
        [typeof(UidExpungeCommand)] = ImapState.Selected, // RFC 4315
        [typeof(SearchCommand)] = ImapState.Selected,
        [typeof(FetchCommand)] = ImapState.Selected,
        [typeof(StoreCommand)] = ImapState.Selected,
        [typeof(CopyCommand)] = ImapState.Selected,
        [typeof(MoveCommand)] = ImapState.Selected, // RFC 6851
    }.ToFrozenDictionary();

    /// <summary>True when <paramref name="command"/> may run in <paramref name="state"/>.</summary>
    public static bool IsAllowed(ImapCommand command, ImapState state) =>
        s_allowed.TryGetValue(command.GetType(), out var allowed) && (allowed & state) != 0;

    /// <summary>The states a command type is allowed in (for tests and documentation).</summary>
    public static ImapState AllowedStates(Type commandType) => s_allowed.GetValueOrDefault(commandType);

    /// <summary>Every command type the table knows.</summary>
    public static IEnumerable<Type> CommandTypes => s_allowed.Keys;
}
