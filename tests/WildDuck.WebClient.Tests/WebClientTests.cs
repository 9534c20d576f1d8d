// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using WildDuck.Api.Internal;
using WildDuck.Server;
using WildDuck.Storage.Sqlite;

namespace WildDuck.WebClient.Tests;

/// <summary>
/// The sample web client end to end: the sample host (API and LMTP on loopback, SQLite in a temp
/// directory), Debian's headless Chromium driven by Selenium through /usr/bin/chromedriver.
/// </summary>
public sealed class WebClientTests : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string ChromeDriverPath = "/usr/bin/chromedriver";
    private const string RootToken = "web-client-test-root-token-0123456789";
    private const string Password = "a web client password";

    /// <summary>How long a wait for the page may last before the test fails (a guard, not a timing assertion).</summary>
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wildduck-webclient-tests", Guid.NewGuid().ToString("N"));
    private IHost? _host;
    private Uri? _api;
    private int _lmtpPort;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _lmtpPort = FreeLoopbackPort();
        var builder = ServerSetup.CreateBuilder(new[]
        {
            "--WildDuck:DataDirectory=" + _directory,
            "--WildDuck:Hostname=mail.example.test",
            "--WildDuck:Imap:Port=0",
            "--WildDuck:Imap:TlsPort=0",
            "--WildDuck:Pop3:Port=0",
            "--WildDuck:Pop3:TlsPort=0",
            "--WildDuck:Lmtp:Host=127.0.0.1",
            "--WildDuck:Lmtp:Port=" + _lmtpPort,
            "--WildDuck:Api:Host=127.0.0.1",
            "--WildDuck:Api:Port=0",
            "--WildDuck:Api:AccessToken=" + RootToken,
            "--Logging:LogLevel:Default=Warning",
        });
        _host = builder.Build();
        await _host.Services.GetRequiredService<SqliteMailStore>().InitializeAsync();
        await _host.StartAsync();
        _api = new Uri(_host.Services.GetRequiredService<ApiServer>().Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool BrowserInstalled => File.Exists(ChromiumPath) && File.Exists(ChromeDriverPath);

    [SkippableFact]
    public async Task A_message_delivered_over_LMTP_appears_without_reload_and_opens()
    {
        Skip.IfNot(BrowserInstalled, "Debian's chromium and chromium-driver are not installed (./test.sh installs them with apt-get)");
        await CreateUserAsync("alice", "alice@example.test");

        using var browser = StartBrowser(out var profile);
        try
        {
            var wait = new WebDriverWait(browser, PageTimeout);

            // The page re-renders its lists on every update: an element read while it is replaced
            // is stale, and the condition is simply checked again.
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
            browser.Navigate().GoToUrl(new Uri(_api!, "/"));
            browser.Title.Should().Be("WildDuck.Core web client");
            browser.FindElement(By.Id("username")).SendKeys("alice");
            browser.FindElement(By.Id("password")).SendKeys(Password);
            browser.FindElement(By.Id("login-button")).Click();

            // The mailbox list, and the live stream open.
            wait.Until(d =>
            {
                var names = d.FindElements(By.CssSelector("#mailboxes li .name")).Select(e => e.Text).ToList();
                return names.Count > 0 ? names : null;
            }).Should().Contain(new[] { "INBOX", "Drafts", "Sent Mail", "Junk", "Trash" });
            wait.Until(d => d.FindElement(By.Id("status")).Text == "Live");
            browser.FindElements(By.CssSelector("#messages li")).Should().BeEmpty();
            Script(browser, "window.__sameDocument = 'still here';");

            await DeliverOverLmtpAsync("alice@example.test", Multipart("Hello from LMTP"));

            var item = wait.Until(d => d.FindElements(By.CssSelector("#messages li")).FirstOrDefault(e => e.Text.Contains("Hello from LMTP", StringComparison.Ordinal)));
            Script(browser, "return window.__sameDocument;").Should().Be("still here", "the message appeared without a reload");
            // INBOX's counter (unseen/total) follows from the COUNTERS event.
            Until(wait, d => InboxCounter(d) == "1/1", () => "INBOX counter: " + InboxCounter(browser));

            item.Click();
            wait.Until(d => d.FindElement(By.Id("message-text")).Text.Contains("The plain text part.", StringComparison.Ordinal));
            browser.FindElement(By.Id("message-subject")).Text.Should().Be("Hello from LMTP");
            browser.FindElement(By.CssSelector("#attachments a")).Text.Should().StartWith("notes.txt");

            // The HTML part: sanitised (no script, no handler) and in a frame without scripts.
            var frame = browser.FindElement(By.Id("message-html"));
            var sandbox = frame.GetAttribute("sandbox");
            sandbox.Should().NotBeNull().And.NotContain("allow-scripts").And.NotContain("allow-same-origin");
            var srcdoc = frame.GetAttribute("srcdoc")!;
            srcdoc.Should().Contain("The HTML part.").And.NotContain("<script").And.NotContain("onerror");
            browser.FindElement(By.Id("show-html")).Click();
            browser.SwitchTo().Frame(frame);
            wait.Until(d => d.FindElement(By.TagName("body")).Text.Contains("The HTML part.", StringComparison.Ordinal));
            browser.SwitchTo().DefaultContent();
            browser.Title.Should().Be("WildDuck.Core web client", "nothing in the message ran");
        }
        finally
        {
            browser.Quit();
            TryDelete(profile);
        }
    }

    [Fact]
    public async Task The_page_is_served_with_a_strict_content_security_policy()
    {
        using var client = new HttpClient { BaseAddress = _api };
        foreach (var (path, type) in new[] { ("/", "text/html"), ("/webclient.js", "text/javascript"), ("/webclient.css", "text/css") })
        {
            using var response = await client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            response.Content.Headers.ContentType!.MediaType.Should().Be(type);
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            policy.Should().Contain("script-src 'self'").And.Contain("frame-ancestors 'none'").And.NotContain("unsafe-eval");
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            head.StatusCode.Should().Be(HttpStatusCode.OK, "HEAD " + path);
        }
    }

    private static ChromeDriver StartBrowser(out string profile)
    {
        profile = Path.Combine(Path.GetTempPath(), "wildduck-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        return new ChromeDriver(service, options, PageTimeout);
    }

    private static string? InboxCounter(IWebDriver browser) =>
        browser.FindElements(By.CssSelector("#mailboxes li")).FirstOrDefault(e => e.FindElement(By.CssSelector(".name")).Text == "INBOX")?.FindElement(By.CssSelector(".counter")).Text;

    /// <summary>Waits for a condition; when it never comes, fails with what the page shows instead.</summary>
    private static void Until(WebDriverWait wait, Func<IWebDriver, bool> condition, Func<string> describe)
    {
        try
        {
            wait.Until(condition);
        }
        catch (WebDriverTimeoutException)
        {
            throw new Xunit.Sdk.XunitException("The page did not reach the expected state; " + describe());
        }
    }

    private static object? Script(IWebDriver browser, string script) => ((IJavaScriptExecutor)browser).ExecuteScript(script);

    private async Task CreateUserAsync(string username, string address)
    {
        using var client = new HttpClient { BaseAddress = _api };
        client.DefaultRequestHeaders.Add("X-Access-Token", RootToken);
        var body = new JsonObject { ["username"] = username, ["password"] = Password, ["address"] = address };
        using var response = await client.PostAsync("/users", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static byte[] Multipart(string subject) => Encoding.ASCII.GetBytes(
        "From: Bob <bob@example.org>\r\n" +
        "To: alice@example.test\r\n" +
        "Subject: " + subject + "\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"outer\"\r\n" +
        "\r\n" +
        "--outer\r\n" +
        "Content-Type: multipart/alternative; boundary=\"inner\"\r\n" +
        "\r\n" +
        "--inner\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "The plain text part.\r\n" +
        "--inner\r\n" +
        "Content-Type: text/html; charset=utf-8\r\n" +
        "\r\n" +
        "<p>The HTML part.</p><script>parent.document.title='pwned'</script><img src=x onerror=\"parent.document.title='pwned'\">\r\n" +
        "--inner--\r\n" +
        "--outer\r\n" +
        "Content-Type: text/plain; name=\"notes.txt\"\r\n" +
        "Content-Disposition: attachment; filename=\"notes.txt\"\r\n" +
        "\r\n" +
        "attached notes\r\n" +
        "--outer--\r\n");

    /// <summary>A plain LMTP conversation (RFC 2033) with the sample host's listener.</summary>
    private async Task DeliverOverLmtpAsync(string recipient, byte[] message)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _lmtpPort);
        await using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await ExpectAsync(reader, "220");
        await SendAsync(stream, "LHLO test.example\r\n");
        await ExpectAsync(reader, "250");
        await SendAsync(stream, "MAIL FROM:<bob@example.org>\r\n");
        await ExpectAsync(reader, "250");
        await SendAsync(stream, "RCPT TO:<" + recipient + ">\r\n");
        await ExpectAsync(reader, "250");
        await SendAsync(stream, "DATA\r\n");
        await ExpectAsync(reader, "354");
        await stream.WriteAsync(message);
        await SendAsync(stream, ".\r\n");
        await ExpectAsync(reader, "250");
        await SendAsync(stream, "QUIT\r\n");
    }

    private static Task SendAsync(Stream stream, string line) => stream.WriteAsync(Encoding.ASCII.GetBytes(line)).AsTask();

    /// <summary>Reads one (possibly multi-line) reply and checks its code.</summary>
    private static async Task ExpectAsync(StreamReader reader, string code)
    {
        var lines = new List<string>();
        string? line;
        do
        {
            line = await reader.ReadLineAsync();
            line.Should().NotBeNull("the server answers");
            lines.Add(line!);
        }
        while (line!.Length > 3 && line[3] == '-');

        line.Should().StartWith(code, string.Join(" | ", lines));
    }

    /// <summary>
    /// A loopback port free at the moment (the sample host's LMTP option treats 0 as "off", so it
    /// cannot choose one itself).
    /// </summary>
    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
