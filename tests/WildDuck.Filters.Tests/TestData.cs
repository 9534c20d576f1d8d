// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using WildDuck.Storage;

namespace WildDuck.Filters.Tests;

internal static class TestData
{
    public static readonly UserId User = UserId.NewId();

    public static DeliveryInput Message(params FilterDefinition[] filters) => new()
    {
        From = "\"Alice  Example\" <alice@example.com>",
        Sender = "list-bounces@lists.example.org",
        To = "Bob <bob@example.net>",
        Cc = "carol@example.net",
        DeliveredTo = "bob+inbox@example.net",
        Subject = "Quarterly   Report\tQ3",
        ListId = "Team list <team.lists.example.org>",
        Text = "Hello Bob,\n\nplease find   the numbers attached.",
        HasAttachments = true,
        Size = 10_000,
        SpamLevel = 50,
        Filters = filters,
    };

    public static FilterDefinition Filter(FilterQuery query, FilterAction action, bool disabled = false) => new()
    {
        Id = EntityId.NewId(),
        User = User,
        Query = query,
        Action = action,
        Disabled = disabled,
        Created = DateTimeOffset.UtcNow,
    };

    public static FilterDefinition Filter(FilterQuery query) => Filter(query, new FilterAction { Seen = true });

    public static IReadOnlyList<KeyValuePair<string, string>> Headers(params (string Name, string Value)[] pairs)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (n, v) in pairs)
        {
            list.Add(new KeyValuePair<string, string>(n, v));
        }

        return list;
    }
}
