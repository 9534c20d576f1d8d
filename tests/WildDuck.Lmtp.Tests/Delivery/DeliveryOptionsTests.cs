// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WildDuck.Storage;

namespace WildDuck.Lmtp.Tests.Delivery;

/// <summary>Delivery options bind from configuration as the sample host does, trusted spam headers included.</summary>
public sealed class DeliveryOptionsTests
{
    [Fact]
    public void Delivery_options_and_trusted_spam_headers_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WildDuck:Delivery:AllowWildcardRecipients"] = "false",
            ["WildDuck:Delivery:OverQuotaIsPermanent"] = "true",
            ["WildDuck:Delivery:AutoreplyInterval"] = "1.00:00:00",
            ["WildDuck:Delivery:SpamVerdictHeaders:0:HeaderName"] = "X-Mx-Spam",
            ["WildDuck:Delivery:SpamVerdictHeaders:0:Pattern"] = "^true$",
            ["WildDuck:Delivery:SpamScoreHeader"] = "X-Mx-Score",
        }).Build();
        var section = configuration.GetSection("WildDuck");
        var services = new ServiceCollection();
        services.AddWildDuck().AddDelivery(o => section.GetSection("Delivery").Bind(o));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<DeliveryOptions>>().Value;

        (options.AllowWildcardRecipients, options.OverQuotaIsPermanent, options.AutoreplyInterval)
            .Should().Be((false, true, TimeSpan.FromDays(1)));
        var spam = options.ToSpamHeaderOptions();
        spam.VerdictHeaders.Should().ContainSingle().Which.Should().Be(new Filters.SpamHeaderRule("X-Mx-Spam", "^true$"));
        spam.ScoreHeader.Should().Be("X-Mx-Score");
        Filters.SpamHeaderOptions.Default.VerdictHeaders.Should().HaveCount(2, "binding never touches the shared defaults");
    }

    [Fact]
    public void Without_configuration_the_default_spam_headers_apply_and_an_empty_score_header_disables_it()
    {
        var spam = new DeliveryOptions { SpamScoreHeader = "" }.ToSpamHeaderOptions();
        spam.VerdictHeaders.Select(r => r.HeaderName).Should().Equal("X-Spam-Status", "X-Rspamd-Spam");
        spam.ScoreHeader.Should().BeNull();
    }

    [Fact]
    public void An_invalid_spam_pattern_fails_validation()
    {
        var services = new ServiceCollection();
        services.AddWildDuck().AddDelivery(o => o.SpamVerdictHeaders = new List<Filters.SpamHeaderRule> { new("X-Bad", "([") });
        using var provider = services.BuildServiceProvider();
        var act = () => provider.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        act.Should().Throw<OptionsValidationException>();
    }
}
