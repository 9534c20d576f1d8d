// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

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

    public IReadOnlyList<string>? Strings(string name) => _values.TryGetValue(name, out var v) ? (string[])v : null;

    public ApiInput? Object(string name) => _values.TryGetValue(name, out var v) ? (ApiInput)v : null;

    public IReadOnlyList<ApiInput>? Objects(string name) => _values.TryGetValue(name, out var v) ? (ApiInput[])v : null;
}
