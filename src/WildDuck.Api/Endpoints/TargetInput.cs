// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using WildDuck.Storage.Addressing;

namespace WildDuck.Api.Endpoints;

/// <summary>Forward targets as the API takes them (filters, forwarded addresses): one rule, <see cref="ForwardTarget.TryParse"/>.</summary>
internal static class TargetInput
{
    /// <summary>
    /// The targets in canonical form; each one that is not a target adds a 400 detail
    /// <c>field[i]</c> to <paramref name="errors"/>.
    /// </summary>
    public static List<string> Parse(IReadOnlyList<string>? given, string field, Dictionary<string, string> errors)
    {
        var targets = new List<string>();
        given ??= Array.Empty<string>();
        for (var i = 0; i < given.Count; i++)
        {
            if (ForwardTarget.TryParse(given[i], out var target))
            {
                targets.Add(target.Canonical);
            }
            else
            {
                errors[field + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"] = "must be an address, an smtp(s):// URL or an http(s):// URL";
            }
        }

        return targets;
    }
}
