// SPDX-License-Identifier: MIT
using System;
using Microsoft.Extensions.Logging;
using WildDuck.Pop3.Protocol;
using WildDuck.Storage.Security;

namespace WildDuck.Pop3.Session;

/// <summary>POP3 log messages (event ids 4100-4199).</summary>
internal static partial class Pop3Log
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "POP3 connection {Id} I/O error")]
    public static partial void IoError(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "POP3 command {Command} failed on connection {Id}")]
    public static partial void CommandFailed(ILogger logger, Pop3CommandKind command, string id, Exception exception);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "POP3 connection {Id} closed for inactivity")]
    public static partial void TimedOut(ILogger logger, string id);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "POP3 login failed on connection {Id}: {Failure}")]
    public static partial void LoginFailed(ILogger logger, string id, AuthenticationFailure failure);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "POP3 connection {Id} logged in as {User}, maildrop of {Count} messages")]
    public static partial void LoggedIn(ILogger logger, string id, string user, int count);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Error, Message = "POP3 UPDATE failed on connection {Id}; some changes were not applied")]
    public static partial void UpdateFailed(ILogger logger, string id, Exception exception);
}
