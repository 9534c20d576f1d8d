// SPDX-License-Identifier: MIT
using FluentAssertions;
using WildDuck.Storage.Addressing;
using Xunit;

namespace WildDuck.Storage.Tests;

/// <summary>The one rule for forward targets, shared by delivery, the admin CLI and (later) the API.</summary>
public sealed class ForwardTargetTests
{
    [Theory]
    [InlineData("copy@example.org", ForwardTargetKind.Mail, "copy@example.org", "mail:copy@example.org")]
    [InlineData(" mail:copy@example.org ", ForwardTargetKind.Mail, "copy@example.org", "mail:copy@example.org")]
    [InlineData("smtp://relay.example:2525", ForwardTargetKind.Relay, "smtp://relay.example:2525", "smtp://relay.example:2525")]
    [InlineData("smtps://u:p@relay.example", ForwardTargetKind.Relay, "smtps://u:p@relay.example", "smtps://u:p@relay.example")]
    [InlineData("https://hooks.example/in?a=1", ForwardTargetKind.Http, "https://hooks.example/in?a=1", "https://hooks.example/in?a=1")]
    public void Targets_parse_to_their_kind_and_canonical_form(string text, ForwardTargetKind kind, string value, string canonical)
    {
        ForwardTarget.TryParse(text, out var target).Should().BeTrue();
        target.Should().Be(new ForwardTarget(kind, value));
        target.Canonical.Should().Be(canonical);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("mail:")]
    [InlineData("ftp://files.example/")]
    [InlineData("smtp://")]
    [InlineData("<copy@example.org>")]
    public void Anything_else_is_not_a_target(string? text) =>
        ForwardTarget.TryParse(text, out _).Should().BeFalse();
}
