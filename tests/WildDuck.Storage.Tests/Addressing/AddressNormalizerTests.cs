// SPDX-License-Identifier: MIT
using System.Linq;
using FluentAssertions;
using WildDuck.Storage.Addressing;
using Xunit;

namespace WildDuck.Storage.Tests;

public sealed class AddressNormalizerTests
{
    [Theory]
    [InlineData("First.Last+news@Example.COM", true, true, "firstlast@example.com")]
    [InlineData("First.Last+news@Example.COM", false, false, "first.last+news@example.com")]
    [InlineData("First.Last+news@Example.COM", true, false, "first.last@example.com")]
    [InlineData("First.Last+news@Example.COM", false, true, "firstlast+news@example.com")]
    [InlineData("  user@EXAMPLE.com  ", false, false, "user@example.com")]
    [InlineData("user@xn--mnchen-3ya.de", false, false, "user@münchen.de")]
    [InlineData("user@XN--MNCHEN-3YA.DE", false, false, "user@münchen.de")]
    [InlineData("user@xn--bcher-kva.example", false, false, "user@bücher.example")]
    [InlineData("user@sub.xn--mnchen-3ya.de", false, false, "user@sub.münchen.de")]
    [InlineData("Jose\u0301@example.com", false, false, "jos\u00e9@example.com")]
    [InlineData("user@mu\u0308nchen.de", false, false, "user@m\u00fcnchen.de")]
    [InlineData("\"a@b\"@Example.com", false, false, "\"a@b\"@example.com")]
    [InlineData("a+b+c@example.com", true, false, "a@example.com")]
    [InlineData("user+@example.com", true, false, "user@example.com")]
    [InlineData("ÄNDREAS@Example.com", false, false, "ändreas@example.com")]
    [InlineData("Straße@Example.com", false, false, "straße@example.com")]
    [InlineData("a.b.c@example.com", false, true, "abc@example.com")]
    [InlineData("user@", false, false, "user@")]
    [InlineData("NoAtSign", false, false, "noatsign")]
    [InlineData("No.At+Sign", true, true, "noat")]
    public void Normalize_follows_reference_6_2(string input, bool removeLabel, bool removeDots, string expected)
    {
        AddressNormalizer.Normalize(input, removeLabel, removeDots).Should().Be(expected);
    }

    [Theory]
    [InlineData("First.Last+news@Example.COM", "firstlast@example.com")]
    [InlineData("John.Doe@xn--mnchen-3ya.de", "johndoe@münchen.de")]
    [InlineData("firstlast@example.com", "firstlast@example.com")]
    [InlineData(" F.L+x+y@EXAMPLE.ORG", "fl@example.org")]
    public void AddressView_is_the_lookup_key(string input, string expected)
    {
        AddressNormalizer.AddressView(input).Should().Be(expected);
    }

    [Theory]
    [InlineData("John.Doe", "johndoe")]
    [InlineData("a.b.c", "abc")]
    [InlineData("john.doe@example.com", "johndoe@example.com")]
    [InlineData(" Admin ", "admin")]
    public void UsernameView_removes_dots(string input, string expected)
    {
        AddressNormalizer.UsernameView(input).Should().Be(expected);
    }

    [Fact]
    public void Invalid_punycode_does_not_throw()
    {
        var act = () => AddressNormalizer.Normalize("user@xn--.xn--");
        act.Should().NotThrow();
    }

    [Theory]
    [InlineData("user@example.com", false, true)]
    [InlineData("first.last+tag@sub.example.org", false, true)]
    [InlineData("josé@münchen.de", false, true)]
    [InlineData("o'brien@example.ie", false, true)]
    [InlineData("user@xn--mnchen-3ya.de", false, true)]
    [InlineData("*@example.com", true, true)]
    [InlineData("info*@example.com", true, true)]
    [InlineData("*@example.com", false, false)]
    [InlineData("", false, false)]
    [InlineData("user", false, false)]
    [InlineData("@example.com", false, false)]
    [InlineData("user@", false, false)]
    [InlineData("user@localhost", false, true)]
    [InlineData(".user@example.com", false, false)]
    [InlineData("us..er@example.com", false, false)]
    [InlineData("user@-example.com", false, false)]
    [InlineData("us er@example.com", false, false)]
    [InlineData("user@exa_mple.com", false, false)]
    [InlineData("user@example..com", false, false)]
    public void IsValidAddress(string address, bool allowWildcard, bool expected)
    {
        AddressNormalizer.IsValidAddress(address, allowWildcard).Should().Be(expected);
    }

    [Fact]
    public void Wildcard_candidates_are_most_specific_first()
    {
        AddressNormalizer.WildcardCandidates("john@example.com").Should().Equal(
            "*john@example.com",
            "john*@example.com",
            "*ohn@example.com",
            "joh*@example.com",
            "*hn@example.com",
            "jo*@example.com",
            "*n@example.com",
            "j*@example.com",
            "*@example.com",
            "john@*");
    }

    [Fact]
    public void Wildcard_partials_are_capped_at_32_characters()
    {
        string local = new('a', 20);
        local += new string('b', 20);

        var candidates = AddressNormalizer.WildcardCandidates(local + "@example.com").ToList();

        candidates.Should().HaveCount((2 * 32) + 2);
        candidates[0].Should().Be("*" + local[^32..] + "@example.com");
        candidates[1].Should().Be(local[..32] + "*@example.com");
        candidates[^2].Should().Be("*@example.com");
        candidates[^1].Should().Be(local + "@*");
    }

    [Fact]
    public void Wildcard_candidates_of_a_bare_name_are_empty()
    {
        AddressNormalizer.WildcardCandidates("john").Should().BeEmpty();
    }
}
