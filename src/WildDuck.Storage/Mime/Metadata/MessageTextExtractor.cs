// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace WildDuck.Storage.Mime;

/// <summary>The decoded text views of a message.</summary>
/// <param name="Text">Plain text for the API, or null when there is none.</param>
/// <param name="Html">HTML parts for the API.</param>
/// <param name="Intro">The preview, or null.</param>
/// <param name="SearchBody">Text of every text/* leaf for substring search.</param>
internal sealed record ExtractedText(string? Text, IReadOnlyList<string> Html, string? Intro, string SearchBody);

/// <summary>
/// Extracts text, HTML, the intro and the searchable body text from a message tree
/// (reference §2.4 and §2.6, without WildDuck's windows-1257 default charset).
/// </summary>
internal static partial class MessageTextExtractor
{
    /// <summary>Most characters of the intro, the ellipsis included.</summary>
    public const int IntroLength = 128;

    private const int MaxDepth = 64;

    /// <summary>Extracts the text views.</summary>
    public static ExtractedText Extract(MessageView view, MimePartNode root, MessageLimits limits)
    {
        var state = new WalkState(view, limits);
        WalkApi(state, root, alternative: false, depth: 0);

        string text = Normalize(string.Join("\n", state.Texts));
        if (text.Length == 0 && state.Html.Count > 0)
        {
            // Only HTML in the message (e.g. an alternative without a plain part): convert it.
            var converted = new List<string>(state.Html.Count);
            foreach (string html in state.Html)
            {
                converted.Add(state.ConvertHtml(html));
            }

            text = Normalize(string.Join("\n", converted));
        }

        text = Cap(text, limits.MaxPlainTextLength);

        string? intro = null;
        if (state.Html.Count > 0)
        {
            var sb = new StringBuilder();
            foreach (string html in state.Html)
            {
                if (sb.Length >= 4096)
                {
                    break;
                }

                sb.Append(state.ConvertHtml(html)).Append('\n');
            }

            intro = BuildIntro(sb.ToString());
        }

        if (string.IsNullOrEmpty(intro))
        {
            intro = BuildIntro(text);
        }

        var search = new StringBuilder();
        WalkSearch(state, root, search, Math.Max(0, limits.MaxSearchTextLength), 0);

        return new ExtractedText(
            text.Length == 0 ? null : text,
            state.Html,
            string.IsNullOrEmpty(intro) ? null : intro,
            Cap(search.ToString(), limits.MaxSearchTextLength));
    }

    /// <summary>
    /// Builds the preview (reference §2.6): first 2048 characters; "[...]" spans, quoted lines
    /// (starting with "&gt;") and lines of one repeated character removed; white space collapsed;
    /// longer than <see cref="IntroLength"/> characters → cut at the last space and "…" appended,
    /// the result never exceeding <see cref="IntroLength"/> characters.
    /// </summary>
    public static string BuildIntro(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        string head = text.Length > 2048 ? text[..2048] : text;
        head = BracketSpan().Replace(head, " ");
        var kept = new StringBuilder(head.Length);
        foreach (string line in head.Split('\n'))
        {
            string trimmed = line.Trim();
            if (trimmed.StartsWith('>') || IsRepeatedCharacter(trimmed))
            {
                continue;
            }

            kept.Append(trimmed).Append(' ');
        }

        string intro = HeaderBlock.CollapseWhitespace(kept.ToString());
        if (intro.Length <= IntroLength)
        {
            return intro;
        }

        string cut = intro[..(IntroLength - 1)];
        int space = cut.LastIndexOf(' ');
        if (space > 0)
        {
            cut = cut[..space];
        }

        return cut.TrimEnd() + "\u2026";
    }

    private static bool IsRepeatedCharacter(string line)
    {
        if (line.Length < 2)
        {
            return false;
        }

        for (int i = 1; i < line.Length; i++)
        {
            if (line[i] != line[0])
            {
                return false;
            }
        }

        return true;
    }

    // The API walk (reference §2.4): inline text/plain and text/html (and the other text types
    // WildDuck treats as inline text) with no disposition or "inline". HTML outside
    // multipart/alternative is also converted to text.
    private static void WalkApi(WalkState state, MimePartNode node, bool alternative, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        if (node.IsMultipart)
        {
            bool inner = alternative || string.Equals(node.MediaSubtype, "alternative", StringComparison.Ordinal);
            foreach (MimePartNode child in node.Children)
            {
                WalkApi(state, child, inner, depth + 1);
            }

            return;
        }

        bool inline = node.Disposition is null || string.Equals(node.Disposition, "inline", StringComparison.Ordinal);
        if (node.Message is { } message)
        {
            if (inline)
            {
                WalkApi(state, message, false, depth + 1);
            }

            return;
        }

        if (!inline || node.BodyLength <= 0)
        {
            return;
        }

        string type = node.MediaType + "/" + node.MediaSubtype;
        if (type is "text/html")
        {
            int remaining = state.Limits.MaxHtmlLength - state.HtmlLength;
            if (remaining > 0)
            {
                string html = state.Decode(node).Trim();
                if (html.Length > 0)
                {
                    html = Cap(html, remaining);
                    state.Html.Add(html);
                    state.HtmlLength += html.Length;
                }
            }

            if (!alternative)
            {
                state.Texts.Add(state.ConvertHtml(state.Decode(node)));
            }
        }
        else if (type is "text/plain" or "text/rfc822-headers" or "message/delivery-status")
        {
            state.Texts.Add(state.Decode(node));
        }
    }

    // The search walk: every text/* leaf in order, HTML reduced to text, encapsulated messages included.
    private static void WalkSearch(WalkState state, MimePartNode node, StringBuilder search, int max, int depth)
    {
        if (depth > MaxDepth || search.Length >= max)
        {
            return;
        }

        if (node.IsMultipart)
        {
            foreach (MimePartNode child in node.Children)
            {
                WalkSearch(state, child, search, max, depth + 1);
            }

            return;
        }

        if (node.Message is { } message)
        {
            WalkSearch(state, message, search, max, depth + 1);
            return;
        }

        if (!string.Equals(node.MediaType, "text", StringComparison.Ordinal) || node.BodyLength <= 0)
        {
            return;
        }

        string text = state.Decode(node);
        if (string.Equals(node.MediaSubtype, "html", StringComparison.Ordinal))
        {
            text = state.ConvertHtml(text);
        }

        text = Normalize(text);
        if (text.Length == 0)
        {
            return;
        }

        if (search.Length > 0)
        {
            search.Append('\n');
        }

        search.Append(text, 0, Math.Min(text.Length, Math.Max(0, max - search.Length)));
    }

    private static string Normalize(string text)
        => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();

    private static string Cap(string text, int max)
    {
        if (max <= 0)
        {
            return string.Empty;
        }

        if (text.Length <= max)
        {
            return text;
        }

        // Do not split a surrogate pair.
        int cut = max;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut];
    }

    [GeneratedRegex(@"\[[^\]\n]*\]", RegexOptions.CultureInvariant)]
    private static partial Regex BracketSpan();

    private sealed class WalkState
    {
        private readonly Dictionary<MimePartNode, string> _decoded = new(ReferenceEqualityComparer.Instance);

        // The same HTML string is converted for the text, the intro and the search body; convert
        // each instance once (keyed by reference: equal input, equal output, so no behaviour change).
        private readonly Dictionary<string, string> _converted = new(ReferenceEqualityComparer.Instance);

        public WalkState(MessageView view, MessageLimits limits)
        {
            View = view;
            Limits = limits;
        }

        public MessageView View { get; }

        public MessageLimits Limits { get; }

        public List<string> Texts { get; } = new();

        public List<string> Html { get; } = new();

        public int HtmlLength { get; set; }

        // Decodes a leaf once. The input is bounded so one huge text leaf cannot cost more than
        // the largest cap needs (12 encoded bytes per character covers QP of 4-byte UTF-8).
        public string Decode(MimePartNode node)
        {
            if (_decoded.TryGetValue(node, out string? text))
            {
                return text;
            }

            long maxChars = Math.Max(Math.Max(Limits.MaxSearchTextLength, Limits.MaxPlainTextLength), Limits.MaxHtmlLength);
            long maxBytes = (maxChars * 12) + 16;
            ReadOnlySpan<byte> body = View.Body(node);
            if (body.Length > maxBytes)
            {
                body = body[..(int)maxBytes];
            }

            ParameterList? parameters = BodyStructureBuilder.ContentTypeParameters(View, node);
            string? charset = node.Charset ?? Get(parameters, "charset");
            bool flowed = string.Equals(Get(parameters, "format"), "flowed", StringComparison.OrdinalIgnoreCase);
            bool delSp = string.Equals(Get(parameters, "delsp"), "yes", StringComparison.OrdinalIgnoreCase);
            text = BodyTextDecoder.Decode(body, node.TransferEncoding, charset, flowed, delSp);
            _decoded[node] = text;
            return text;
        }

        public string ConvertHtml(string html)
        {
            if (!_converted.TryGetValue(html, out string? text))
            {
                text = HtmlTextConverter.Convert(html);
                _converted[html] = text;
            }

            return text;
        }

        private static string? Get(ParameterList? parameters, string name)
        {
            if (parameters is null)
            {
                return null;
            }

            return parameters.TryGetValue(name, out string? value) ? value : null;
        }
    }
}
