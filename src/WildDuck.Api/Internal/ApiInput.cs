// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;

namespace WildDuck.Api.Internal;

/// <summary>The validated parameters of a call (query and JSON body in one bag, as WildDuck merges them).</summary>
internal sealed class ApiInput
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    /// <summary>The raw message body of an upload sent as <c>message/rfc822</c>.</summary>
    public ReadOnlyMemory<byte>? RawMessage { get; set; }

    public bool Has(string name) => _values.ContainsKey(name);

    public void Set(string name, object value) => _values[name] = value;

    public string? String(string name) => _values.TryGetValue(name, out var v) ? (string)v : null;

    public long? Integer(string name) => _values.TryGetValue(name, out var v) ? (long)v : null;

    public bool? Boolean(string name) => _values.TryGetValue(name, out var v) ? (bool)v : null;

    public bool Flag(string name) => Boolean(name) ?? false;

    /// <summary>An ISO 8601 date and time (UTC when it names no offset); null when absent; 400 on <paramref name="name"/> when it is not one.</summary>
    public DateTimeOffset? IsoDate(string name) =>
        TryIsoDate(name, out var time) ? time : throw ApiException.Validation(name, IsoDateError);

    /// <summary>The message of a field that is not an ISO 8601 date.</summary>
    public const string IsoDateError = "must be an ISO 8601 date";

    /// <summary>Reads an ISO 8601 date as <see cref="IsoDate"/> does; false when the field is there but is not one.</summary>
    public bool TryIsoDate(string name, out DateTimeOffset? value)
    {
        value = null;
        if (String(name) is not { } text)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return false;
        }

        value = time;
        return true;
    }

    public IReadOnlyList<string>? Strings(string name) => _values.TryGetValue(name, out var v) ? (string[])v : null;

    public ApiInput? Object(string name) => _values.TryGetValue(name, out var v) ? (ApiInput)v : null;

    public IReadOnlyList<ApiInput>? Objects(string name) => _values.TryGetValue(name, out var v) ? (ApiInput[])v : null;
}
