// SPDX-License-Identifier: MIT

namespace WildDuck.Imap.Protocol;

/// <summary>AUTHENTICATE mechanism [initial-response] (RFC 3501 §6.2.2, SASL-IR RFC 4959).</summary>
/// <param name="Tag">The command tag.</param>
/// <param name="Mechanism">The mechanism name, upper-cased (atom).</param>
/// <param name="InitialResponse">The raw base64 initial response, "=" for an empty one (RFC 4959), or null when absent.</param>
internal sealed record AuthenticateCommand(string Tag, string Mechanism, string? InitialResponse) : ImapCommand(Tag)
{
    /// <inheritdoc />
    public override string ToString() => $"AuthenticateCommand {{ Tag = {Tag}, Mechanism = {Mechanism}, InitialResponse = {(InitialResponse is null ? "null" : "***")} }}";
}
