// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Api;

/// <summary>
/// Options of the HTTP API (configuration section <c>WildDuck:Api</c> in the sample host, e.g.
/// <c>WildDuck__Api__AccessToken</c>). Every limit states its default and what it protects.
/// </summary>
public sealed class ApiOptions
{
    /// <summary>
    /// The static root token (<c>X-Access-Token</c> header, <c>Authorization: Bearer</c> or
    /// <c>?accessToken=</c>). Null (the default) disables root access over HTTP: only user tokens
    /// from <c>POST /authenticate</c> work. Use at least 32 random characters.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// A static token with the <c>webmail</c> role: profiles (except root-only fields), addresses,
    /// mailboxes and messages of every user; no user creation, listing, resolution or deletion.
    /// Null (the default) disables it.
    /// </summary>
    public string? WebmailAccessToken { get; set; }

    /// <summary>
    /// How long a token from <c>POST /authenticate</c> stays valid without use; each use extends it
    /// (written at most once per half of this). Default 14 days (WildDuck's token TTL).
    /// </summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// The longest a token lives from its issue however often it is used. Default 180 days
    /// (WildDuck's token lifetime); bounds the damage of a stolen token that keeps being used.
    /// </summary>
    public TimeSpan TokenMaxLifetime { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Largest JSON request body in bytes; larger bodies get 413. Default 1 MiB (bounds parsing memory).</summary>
    public int MaxJsonBodySize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest message upload (<c>POST …/messages</c>) in bytes; larger bodies get 413. Default 0:
    /// the store's <c>Messages.MaxMessageSize</c> (64 MiB) applies.
    /// </summary>
    public long MaxUploadSize { get; set; }

    /// <summary>Page size when a list request gives no <c>limit</c>. Default 20 (WildDuck).</summary>
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>Largest <c>limit</c> a list request may ask for. Default 250 (WildDuck); bounds the work per request.</summary>
    public int MaxPageSize { get; set; } = 250;

    /// <summary>
    /// How often <c>GET /users/:user/updates</c> sends a keep-alive comment when nothing else was
    /// sent, so proxies and clients do not close an idle stream; a user token is re-checked at each.
    /// Default 15 seconds (WildDuck).
    /// </summary>
    public TimeSpan UpdatesKeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>TOTP and WebAuthn settings (<c>WildDuck:Api:TwoFactor</c>).</summary>
    public TwoFactorOptions TwoFactor { get; set; } = new();

    /// <summary>Address the self-hosted API server (<c>AddApiServer</c>) binds to. Default 127.0.0.1 (loopback only).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port of the self-hosted API server; 0 picks a free port. Default 8080 (WildDuck).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>
    /// Most envelope recipients one <c>POST /users/:user/submit</c> may have; more get 400.
    /// Default 400 (WildDuck's <c>const:max:rcpt_to</c>, reference §6.9).
    /// </summary>
    public int MaxRecipientsPerMessage { get; set; } = 400;

    /// <summary>
    /// Most recipients a user may send to through the submit API per 24 hours, counted in this
    /// process; over it the submission gets 403 <c>RateLimitedError</c>. Default 2000 (WildDuck's
    /// <c>const:max:recipients</c>, reference §6.9 and §7.7).
    /// </summary>
    public int MaxRecipientsPerDay { get; set; } = 2000;

    /// <summary>
    /// The daily forward limit the API reports as <c>limits.forwards.allowed</c> of users, and of forwarded
    /// addresses whose <c>forwards</c> is 0. Delivery enforces its own <c>WildDuck:Delivery:MaxForwardsPerDay</c>
    /// (the API does not depend on delivery): configure both alike. Default 2000, as delivery's.
    /// </summary>
    public int MaxForwardsPerDay { get; set; } = 2000;

    /// <summary>Apple configuration profiles for application-specific passwords (<c>WildDuck:Api:Mobileconfig:*</c>).</summary>
    public MobileconfigOptions Mobileconfig { get; set; } = new();

    /// <summary>Delivery of webhook events (<c>WildDuck:Api:Webhooks:*</c>).</summary>
    public WebhookOptions Webhooks { get; set; } = new();
}
