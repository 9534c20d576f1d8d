// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage;

namespace WildDuck.Lmtp.Outbound;

/// <summary>POSTs a queue entry to an <c>http(s)://</c> target (reference §6.7, target type <c>http</c>).</summary>
internal sealed class HttpRelaySender
{
    private readonly HttpClient _http;
    private readonly OutboundRelayOptions _options;

    public HttpRelaySender(HttpClient http, OutboundRelayOptions options)
    {
        _http = http;
        _options = options;
    }

    public async Task<RelayOutcome> SendAsync(OutboundRoute route, OutboundLease lease, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route.Url)
        {
            Content = new ReadOnlyMemoryContent(lease.Content),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        if (route.Url!.UserInfo.Length > 0)
        {
            // https://user:password@host/… authenticates with Basic (RFC 7617), as the URL says.
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(route.Url.UserInfo))));
        }

        // The envelope travels beside the message, as it does in SMTP.
        request.Headers.TryAddWithoutValidation("X-WildDuck-Queue-Id", lease.Entry.Id.ToString());
        request.Headers.TryAddWithoutValidation("X-Envelope-From", "<" + lease.Entry.ReturnPath + ">");
        foreach (var recipient in lease.Entry.Recipients)
        {
            request.Headers.TryAddWithoutValidation("X-Envelope-To", "<" + recipient + ">");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.CommandTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var error = "HTTP " + code.ToString(CultureInfo.InvariantCulture) + " " + response.ReasonPhrase;
            if (code is >= 200 and < 300)
            {
                return RelayOutcome.Delivered(error);
            }

            // HTTP's server errors, 408 and 429 are worth retrying (RFC 9110 §15.6, RFC 6585 §4);
            // any other client error will not get better.
            return code >= 500 || code == 408 || code == 429 ? RelayOutcome.Deferred(error) : RelayOutcome.Failed(error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RelayOutcome.Deferred(route.Display + " timed out");
        }
        catch (HttpRequestException ex)
        {
            return RelayOutcome.Deferred(route.Display + ": " + ex.Message);
        }
    }
}
