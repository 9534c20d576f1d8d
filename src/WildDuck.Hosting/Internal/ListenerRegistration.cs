// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Hosting.Internal;

/// <summary>One <c>AddListener</c> call.</summary>
internal sealed record ListenerRegistration(ListenerOptions Options, Func<IServiceProvider, IMailProtocolHandler> HandlerFactory);
