// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Net.Http;
using System.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WildDuck.Storage.Sqlite;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Tests;

/// <summary>An API host whose update streams send a keep-alive comment often, so tests can wait for one.</summary>
public sealed class FastKeepAliveApiHost : ApiHost
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<ApiOptions>(o => o.UpdatesKeepAliveInterval = TimeSpan.FromMilliseconds(100));
}

/// <summary>
/// <c>GET /users/:user/updates</c> read by a real HTTP client as a text/event-stream: replay from an
/// id, live events after deliveries, reconnects that lose and repeat nothing.
/// </summary>
public sealed class UpdateTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _api;

    public UpdateTests(ApiHost api) => _api = api;

    private static byte[] Message(string subject) => Encoding.ASCII.GetBytes("From: a@example.org\r\nTo: b@example.test\r\nSubject: " + subject + "\r\n\r\nBody of " + subject + "\r\n");

    private async Task<(UserRecord User, string Token, MailboxRecord Inbox)> NewUserAsync()
    {
        var user = await _api.CreateUserAsync();
        return (user, await _api.LoginAsync(user), await _api.InboxAsync(user));
    }

    [Fact]
    public async Task The_stream_is_an_event_stream_and_replays_the_journal_after_an_id()
    {
        var (user, token, inbox) = await NewUserAsync();
        for (int i = 1; i <= 3; i++)
        {
            await _api.DeliverAsync(user, Message("replay " + i));
        }

        var all = new List<ServerEvent>();
        await using (var stream = await EventStream.OpenAsync(_api.Client, "/users/me/updates", token, lastEventId: "0"))
        {
            stream.Response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
            stream.Response.Headers.CacheControl!.NoCache.Should().BeTrue();
            while (all.Count(e => e.Command == "EXISTS") < 3)
            {
                all.Add(await stream.NextAsync());
            }
        }

        var exists = all.Where(e => e.Command == "EXISTS").ToList();
        exists.Select(e => (long)e.Data["uid"]!).Should().Equal(1, 2, 3);
        exists.Should().OnlyContain(e => (string)e.Data["mailbox"]! == inbox.Id.ToString() && e.Data["flags"]!.AsArray().Count == 0);
        all.Where(e => e.Id is not null).Select(e => e.Id!.Value).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();

        // Resuming after the first EXISTS (as the header EventSource sends) gives exactly the rest.
        await using var resumed = await EventStream.OpenAsync(_api.Client, "/users/me/updates", token, lastEventId: exists[0].Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var next = await resumed.NextAsync();
        next.Id.Should().Be(exists[1].Id);
        (await resumed.NextAsync()).Id.Should().Be(exists[2].Id);
        var counters = await resumed.NextAsync();
        counters.Command.Should().Be("COUNTERS");
        counters.Id.Should().BeNull("COUNTERS events are not journal entries and must not move Last-Event-ID");
        ((long)counters.Data["total"]!).Should().Be(3);
        ((long)counters.Data["unseen"]!).Should().Be(3);
    }

    [Fact]
    public async Task The_query_parameter_works_like_the_header_and_bad_ids_are_refused()
    {
        var (user, token, _) = await NewUserAsync();
        await _api.DeliverAsync(user, Message("query"));
        await using (var stream = await EventStream.OpenAsync(_api.Client, "/users/me/updates?Last-Event-ID=0", token))
        {
            ServerEvent e;
            do
            {
                e = await stream.NextAsync();
            }
            while (e.Command != "EXISTS");
            ((long)e.Data["uid"]!).Should().Be(1);
        }

        var (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/me/updates?Last-Event-ID=abc", token);
        status.Should().Be(HttpStatusCode.BadRequest);
        body["details"]!["Last-Event-ID"].Should().NotBeNull();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/users/me/updates");
        request.Headers.Add("X-Access-Token", token);
        request.Headers.Add("Last-Event-ID", "-5");
        using var response = await _api.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("InputValidationError");
    }

    [Fact]
    public async Task A_delivery_and_an_api_upload_arrive_live_followed_by_counters()
    {
        var (user, token, inbox) = await NewUserAsync();
        await _api.DeliverAsync(user, Message("before"));

        // No id: the stream starts after the newest entry, so "before" is not sent.
        await using var stream = await EventStream.OpenAsync(_api.Client, "/users/me/updates", token);
        await _api.DeliverAsync(user, Message("live"));
        var exists = await stream.NextAsync();
        exists.Command.Should().Be("EXISTS");
        ((long)exists.Data["uid"]!).Should().Be(2);
        var counters = await stream.NextAsync();
        counters.Command.Should().Be("COUNTERS");
        ((string)counters.Data["mailbox"]!).Should().Be(inbox.Id.ToString());
        ((long)counters.Data["total"]!).Should().Be(2);
        ((long)counters.Data["unseen"]!).Should().Be(2);

        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/me/mailboxes/" + inbox.Id + "/messages", token, new JsonObject { ["raw"] = "Subject: uploaded\r\n\r\nx\r\n" });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var uploaded = await stream.NextAsync();
        uploaded.Command.Should().Be("EXISTS");
        ((long)uploaded.Data["uid"]!).Should().Be(3);
        uploaded.Data["flags"]!.AsArray().Select(f => (string)f!).Should().Equal("\\Seen");
        counters = await stream.NextAsync();
        ((long)counters.Data["total"]!).Should().Be(3);
        ((long)counters.Data["unseen"]!).Should().Be(2, "the upload is stored seen");

        // A flag change is a FETCH; \Seen changes the unseen count, so COUNTERS follows.
        (await _api.CallAsync(HttpMethod.Put, "/users/me/mailboxes/" + inbox.Id + "/messages/1", token, new JsonObject { ["seen"] = true })).Status.Should().Be(HttpStatusCode.OK);
        var fetch = await stream.NextAsync();
        fetch.Command.Should().Be("FETCH");
        fetch.Data["flags"]!.AsArray().Select(f => (string)f!).Should().Contain("\\Seen");
        ((long)(await stream.NextAsync()).Data["unseen"]!).Should().Be(1);

        // Mailbox changes carry the path and no COUNTERS.
        (await _api.CallAsync(HttpMethod.Post, "/users/me/mailboxes", token, new JsonObject { ["path"] = "Projects" })).Status.Should().Be(HttpStatusCode.OK);
        var created = await stream.NextAsync();
        created.Command.Should().Be("CREATE");
        ((string)created.Data["path"]!).Should().Be("Projects");
        (await _api.CallAsync(HttpMethod.Put, "/users/me/mailboxes/" + created.Data["mailbox"], token, new JsonObject { ["path"] = "Work" })).Status.Should().Be(HttpStatusCode.OK);
        var renamed = await stream.NextAsync();
        renamed.Command.Should().Be("RENAME");
        ((string)renamed.Data["path"]!).Should().Be("Work");
    }

    [Fact]
    public async Task A_reconnect_with_the_last_event_id_repeats_nothing_and_loses_nothing()
    {
        var (user, token, _) = await NewUserAsync();
        var seen = new List<ServerEvent>();
        string lastId;
        await using (var first = await EventStream.OpenAsync(_api.Client, "/users/me/updates", token))
        {
            await _api.DeliverAsync(user, Message("one"));
            await _api.DeliverAsync(user, Message("two"));
            while (seen.Count(e => e.Command == "EXISTS") < 2)
            {
                seen.Add(await first.NextAsync());
            }

            lastId = first.LastEventId!;
        }

        // Delivered while no client listens.
        await _api.DeliverAsync(user, Message("three"));
        await _api.DeliverAsync(user, Message("four"));

        await using var second = await EventStream.OpenAsync(_api.Client, "/users/me/updates", token, lastEventId: lastId);
        while (seen.Count(e => e.Command == "EXISTS") < 4)
        {
            seen.Add(await second.NextAsync());
        }

        await _api.DeliverAsync(user, Message("five"));
        while (seen.Count(e => e.Command == "EXISTS") < 5)
        {
            seen.Add(await second.NextAsync());
        }

        seen.Where(e => e.Command == "EXISTS").Select(e => (long)e.Data["uid"]!).Should().Equal(1, 2, 3, 4, 5);
        seen.Where(e => e.Id is not null).Select(e => e.Id!.Value).Should().OnlyHaveUniqueItems().And.BeInAscendingOrder();
    }

    [Fact]
    public async Task A_change_made_by_another_instance_on_the_same_store_arrives_live()
    {
        var (user, token, inbox) = await NewUserAsync();
        await using var stream = await EventStream.OpenAsync(_api.Client, "/users/me/updates", token);

        // A second host on the same SQLite file, as a second server process would be: its change
        // reaches this API's stream through the notifier's cross-process relay (the journal watcher
        // here, Redis when configured), not through anything the API does itself.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddWildDuck(o => o.Hostname = "other.example.test").UseSqliteStorage(o => o.Path = _api.DatabasePath);
        using var other = builder.Build();
        await other.StartAsync();
        try
        {
            await other.Services.GetRequiredService<IMessageStore>().AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Message("elsewhere"), Source = "LMTP" });
            var exists = await stream.NextAsync();
            exists.Command.Should().Be("EXISTS");
            ((long)exists.Data["uid"]!).Should().Be(1);
        }
        finally
        {
            await other.StopAsync();
        }
    }

    [Fact]
    public async Task A_disconnected_client_ends_the_request()
    {
        var (user, token, _) = await NewUserAsync();
        using var ended = new SemaphoreSlim(0);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ApiMetrics.MeterName && instrument.Name == "wildduck.api.requests")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "route" && (string?)tag.Value == "getUpdates")
                {
                    ended.Release();
                }
            }
        });
        listener.Start();

        var stream = await EventStream.OpenAsync(_api.Client, "/users/me/updates", token);
        await _api.DeliverAsync(user, Message("x"));
        (await stream.NextAsync()).Command.Should().Be("EXISTS");
        await stream.DisposeAsync();
        (await ended.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("the handler notices the disconnect and returns");
    }

    [Fact]
    public async Task Stopping_the_host_ends_open_streams_cleanly()
    {
        var host = new ApiHost();
        await host.InitializeAsync();
        var user = await host.CreateUserAsync();
        var token = await host.LoginAsync(user);
        // Its own client: the host's is disposed with the host, which would cut the stream itself.
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        var stream = await EventStream.OpenAsync(client, "/users/me/updates", token);
        var stopping = host.DisposeAsync();
        (await stream.NextAsync(allowEnd: true)).Should().BeNull("the response ends instead of holding the shutdown");
        await stopping;
        await stream.DisposeAsync();
    }

    private sealed record ServerEvent(long? Id, JsonObject Data)
    {
        public string Command => (string)Data["command"]!;
    }

    /// <summary>Reads text/event-stream (HTML Living Standard §9.2.6) from a live response.</summary>
    private sealed class EventStream : IAsyncDisposable
    {
        private readonly StreamReader _reader;

        private EventStream(HttpResponseMessage response, Stream body)
        {
            Response = response;
            _reader = new StreamReader(body, Encoding.UTF8);
        }

        public HttpResponseMessage Response { get; }

        public string? LastEventId { get; private set; }

        public List<string> Comments { get; } = new();

        public static async Task<EventStream> OpenAsync(HttpClient client, string path, string token, string? lastEventId = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Access-Token", token);
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.OK, await ErrorTextAsync(response));
            return new EventStream(response, await response.Content.ReadAsStreamAsync());
        }

        private static async Task<string> ErrorTextAsync(HttpResponseMessage response) =>
            response.IsSuccessStatusCode ? string.Empty : await response.Content.ReadAsStringAsync();

        public async Task<ServerEvent> NextAsync() => (await NextAsync(allowEnd: false))!;

        /// <summary>The next event, skipping comments (keep-alives); null at the end of the stream when allowed.</summary>
        public async Task<ServerEvent?> NextAsync(bool allowEnd)
        {
            // A guard against a hang, not a timing assertion: events normally arrive at once.
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            long? id = null;
            var data = new StringBuilder();
            while (true)
            {
                var line = await _reader.ReadLineAsync(guard.Token);
                if (line is null)
                {
                    allowEnd.Should().BeTrue("the stream ended unexpectedly");
                    return null;
                }

                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        return new ServerEvent(id, JsonNode.Parse(data.ToString())!.AsObject());
                    }

                    continue;
                }

                if (line.StartsWith(':'))
                {
                    Comments.Add(line);
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    LastEventId = line[4..];
                    id = long.Parse(LastEventId, System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line[6..]);
                }
            }
        }

        /// <summary>Reads until a comment line arrives or the stream ends; returns the comment or null.</summary>
        public async Task<string?> NextCommentAsync()
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await _reader.ReadLineAsync(guard.Token) is { } line)
            {
                if (line.StartsWith(':'))
                {
                    return line;
                }
            }

            return null;
        }

        public ValueTask DisposeAsync()
        {
            _reader.Dispose();
            Response.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Keep-alives and token re-checks, on a host with a short keep-alive interval.</summary>
    public sealed class KeepAlive : IClassFixture<FastKeepAliveApiHost>
    {
        private readonly FastKeepAliveApiHost _api;

        public KeepAlive(FastKeepAliveApiHost api) => _api = api;

        [Fact]
        public async Task An_idle_stream_gets_keep_alive_comments_and_ends_when_its_token_is_revoked()
        {
            var user = await _api.CreateUserAsync();
            var token = await _api.LoginAsync(user);
            await using var stream = await EventStream.OpenAsync(_api.Client, "/users/me/updates", token);
            (await stream.NextCommentAsync()).Should().Be(": connected");
            (await stream.NextCommentAsync()).Should().Be(": idling 1");
            (await stream.NextCommentAsync()).Should().Be(": idling 2");

            (await _api.CallAsync(HttpMethod.Delete, "/authenticate", token)).Status.Should().Be(HttpStatusCode.OK);
            string? comment;
            do
            {
                comment = await stream.NextCommentAsync();
            }
            while (comment is not null);
        }
    }
}
