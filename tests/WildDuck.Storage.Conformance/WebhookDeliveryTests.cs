// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

/// <summary>The durable webhook delivery queue of <see cref="IWebhookStore"/> (claims, leases, retries).</summary>
public abstract partial class StorageConformanceTests
{
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    private static WebhookDelivery Delivery(string type, string url = "https://hooks.example/in") =>
        new() { Webhook = EntityId.NewId(), Url = url, Type = type, Body = System.Text.Encoding.UTF8.GetBytes("{\"ev\":\"" + type + "\"}") };

    [SkippableFact]
    public async Task Webhook_deliveries_are_saved_due_at_once_and_claimed_oldest_first_with_their_content()
    {
        SkipIfUnavailable();
        var webhooks = Webhooks;
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var saved = await webhooks.EnqueueWebhookDeliveriesAsync(new[] { Delivery("mfa.totp.enabled"), Delivery("mfa.disabled", "http://127.0.0.1:9/x") });
        saved.Should().HaveCount(2);
        saved.Should().OnlyContain(d => !d.Id.IsEmpty && d.Attempts == 0 && d.LastError == null);
        saved[0].Id.Should().BeLessThan(saved[1].Id, "ids ascend in enqueue order");
        saved[0].Created.Should().BeOnOrAfter(before);
        saved[0].NextAttempt.Should().Be(saved[0].Created, "a new delivery is due at once");
        (await webhooks.EnqueueWebhookDeliveriesAsync(Array.Empty<WebhookDelivery>())).Should().BeEmpty();

        var leases = await webhooks.ClaimWebhookDeliveriesAsync(10, LongLease);
        leases.Select(l => l.Delivery.Id).Should().Equal(saved[0].Id, saved[1].Id);
        leases.Should().OnlyContain(l => l.Delivery.Attempts == 1, "a claim counts the attempt it starts");
        leases.Select(l => l.Token).Distinct().Should().ContainSingle("one claim, one token");
        leases[0].Expires.Should().BeCloseTo(DateTimeOffset.UtcNow.Add(LongLease), TimeSpan.FromMinutes(1));
        var first = leases[0].Delivery;
        first.Should().BeEquivalentTo(saved[0] with { Attempts = 1 }, o => o.Excluding(d => d.Body));
        first.Body.ToArray().Should().Equal(saved[0].Body.ToArray());
        leases[1].Delivery.Url.Should().Be("http://127.0.0.1:9/x");
    }

    [SkippableFact]
    public async Task A_leased_delivery_is_not_claimed_again_until_completed_or_its_lease_runs_out()
    {
        SkipIfUnavailable();
        var webhooks = Webhooks;
        var saved = await webhooks.EnqueueWebhookDeliveriesAsync(new[] { Delivery("a.one"), Delivery("a.two"), Delivery("a.three") });

        var firstClaim = await webhooks.ClaimWebhookDeliveriesAsync(1, LongLease);
        firstClaim.Single().Delivery.Id.Should().Be(saved[0].Id);
        var secondClaim = await webhooks.ClaimWebhookDeliveriesAsync(10, LongLease);
        secondClaim.Select(l => l.Delivery.Id).Should().Equal(saved[1].Id, saved[2].Id);
        (await webhooks.ClaimWebhookDeliveriesAsync(10, LongLease)).Should().BeEmpty("every delivery is leased");

        // Only the claim holding the lease completes it; completing removes it for good.
        (await webhooks.CompleteWebhookDeliveryAsync(saved[0].Id, secondClaim[0].Token)).Should().BeFalse();
        (await webhooks.CompleteWebhookDeliveryAsync(saved[0].Id, firstClaim[0].Token)).Should().BeTrue();
        (await webhooks.CompleteWebhookDeliveryAsync(saved[0].Id, firstClaim[0].Token)).Should().BeFalse("it is gone");
        (await webhooks.RetryWebhookDeliveryAsync(saved[0].Id, firstClaim[0].Token, DateTimeOffset.UtcNow, "x")).Should().BeFalse("it is gone");

        // Many claimers at once never share a delivery.
        var more = await webhooks.EnqueueWebhookDeliveriesAsync(Enumerable.Range(0, 12).Select(i => Delivery("b.n" + i)).ToArray());
        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => webhooks.ClaimWebhookDeliveriesAsync(3, LongLease)));
        var claimed = claims.SelectMany(c => c.Select(l => l.Delivery.Id)).ToList();
        claimed.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(more.Select(d => d.Id));
    }

    [SkippableFact]
    public async Task When_a_lease_runs_out_another_claimer_takes_the_delivery_and_the_first_claim_is_void()
    {
        SkipIfUnavailable();
        var webhooks = Webhooks;
        var id = (await webhooks.EnqueueWebhookDeliveriesAsync(new[] { Delivery("c.crash") })).Single().Id;
        var crashed = (await webhooks.ClaimWebhookDeliveriesAsync(1, TimeSpan.FromMilliseconds(500))).Single();
        (await webhooks.ClaimWebhookDeliveriesAsync(1, LongLease)).Should().BeEmpty("the lease is live");

        // The claimer "died": once its lease has ended the delivery is due for the next claimer.
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        var recovered = (await webhooks.ClaimWebhookDeliveriesAsync(1, LongLease)).Single();
        recovered.Delivery.Id.Should().Be(id);
        recovered.Delivery.Attempts.Should().Be(2, "the lost attempt counts");
        (await webhooks.CompleteWebhookDeliveryAsync(id, crashed.Token)).Should().BeFalse("another claimer holds it now");
        (await webhooks.RetryWebhookDeliveryAsync(id, crashed.Token, DateTimeOffset.UtcNow, "stale")).Should().BeFalse();
        (await webhooks.CompleteWebhookDeliveryAsync(id, recovered.Token)).Should().BeTrue();
    }

    [SkippableFact]
    public async Task A_retried_delivery_waits_for_its_back_off_keeps_the_error_and_counts_attempts()
    {
        SkipIfUnavailable();
        var webhooks = Webhooks;
        var saved = await webhooks.EnqueueWebhookDeliveriesAsync(new[] { Delivery("d.retry"), Delivery("d.later") });
        var leases = await webhooks.ClaimWebhookDeliveriesAsync(2, LongLease);
        var next = DateTimeOffset.UtcNow.AddMinutes(10);
        (await webhooks.RetryWebhookDeliveryAsync(saved[1].Id, leases[1].Token, next, "HTTP 503")).Should().BeTrue();
        (await webhooks.RetryWebhookDeliveryAsync(saved[0].Id, leases[0].Token, DateTimeOffset.UtcNow.AddMilliseconds(-5), "timed out")).Should().BeTrue();
        (await webhooks.RetryWebhookDeliveryAsync(saved[0].Id, leases[0].Token, DateTimeOffset.UtcNow, "again")).Should().BeFalse("the retry released the lease");

        // The one whose back-off has passed is due again, with its error and a second attempt; the
        // other waits for its own.
        var again = (await webhooks.ClaimWebhookDeliveriesAsync(10, LongLease)).Should().ContainSingle().Subject;
        again.Delivery.Id.Should().Be(saved[0].Id);
        again.Delivery.Attempts.Should().Be(2);
        again.Delivery.LastError.Should().Be("timed out");
        (await webhooks.ClaimWebhookDeliveriesAsync(10, LongLease)).Should().BeEmpty("d.later is not due before its back-off");
    }

    [SkippableFact]
    public async Task Retried_deliveries_are_claimed_in_due_order()
    {
        SkipIfUnavailable();
        var webhooks = Webhooks;
        var saved = await webhooks.EnqueueWebhookDeliveriesAsync(new[] { Delivery("e.one"), Delivery("e.two") });
        var leases = await webhooks.ClaimWebhookDeliveriesAsync(2, LongLease);
        var now = DateTimeOffset.UtcNow;
        (await webhooks.RetryWebhookDeliveryAsync(saved[0].Id, leases[0].Token, now.AddSeconds(-1), "late")).Should().BeTrue();
        (await webhooks.RetryWebhookDeliveryAsync(saved[1].Id, leases[1].Token, now.AddSeconds(-2), "earlier")).Should().BeTrue();
        (await webhooks.ClaimWebhookDeliveriesAsync(10, LongLease)).Select(l => l.Delivery.Id).Should().Equal(saved[1].Id, saved[0].Id);
    }

    [SkippableFact]
    public async Task A_delivery_needs_an_http_url_a_type_and_a_body_and_claims_need_sane_arguments()
    {
        SkipIfUnavailable();
        var webhooks = Webhooks;
        await ShouldFailWithAsync(() => webhooks.EnqueueWebhookDeliveriesAsync(new[] { Delivery("f.x", "ftp://hooks.example/") }), StorageError.Invalid);
        await ShouldFailWithAsync(() => webhooks.EnqueueWebhookDeliveriesAsync(new[] { Delivery("f.x") with { Body = ReadOnlyMemory<byte>.Empty } }), StorageError.Invalid);
        await ShouldFailWithAsync(() => webhooks.EnqueueWebhookDeliveriesAsync(new[] { Delivery("") }), StorageError.Invalid);
        (await webhooks.ClaimWebhookDeliveriesAsync(10, LongLease)).Should().BeEmpty("nothing invalid was queued");
        await FluentActions.Awaiting(() => webhooks.ClaimWebhookDeliveriesAsync(0, LongLease)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => webhooks.ClaimWebhookDeliveriesAsync(1, TimeSpan.Zero)).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }
}
