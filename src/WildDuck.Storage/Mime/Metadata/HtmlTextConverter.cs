// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Text;
using MimeKit.Text;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Reduces HTML to plain text with MimeKit's HTML tokenizer: tags are dropped, character references
/// decoded, script/style/head content skipped, block elements become line breaks, and white space
/// is collapsed (at most one empty line in a row).
/// </summary>
internal static class HtmlTextConverter
{
    /// <summary>Converts <paramref name="html"/> to text. Never throws.</summary>
    public static string Convert(string html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        var raw = new StringBuilder(html.Length / 2);
        try
        {
            using var reader = new StringReader(html);
            var tokenizer = new HtmlTokenizer(reader) { DecodeCharacterReferences = true };
            int skipDepth = 0;
            while (tokenizer.ReadNextToken(out HtmlToken? token))
            {
                switch (token)
                {
                    case HtmlTagToken tag:
                        string name = tag.Name.ToLowerInvariant();
                        if (name is "script" or "style" or "head" or "title")
                        {
                            if (tag.IsEndTag)
                            {
                                skipDepth = Math.Max(0, skipDepth - 1);
                            }
                            else if (!tag.IsEmptyElement)
                            {
                                skipDepth++;
                            }
                        }
                        else if (IsBlock(name))
                        {
                            raw.Append('\n');
                        }

                        break;
                    case HtmlDataToken data when skipDepth == 0 && token.Kind == HtmlTokenKind.Data:
                        raw.Append(data.Data);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or IOException)
        {
            // keep what was converted so far
        }

        return CollapseLines(raw.ToString());
    }

    /// <summary>Collapses spaces inside lines, trims lines, keeps at most one empty line in a row.</summary>
    internal static string CollapseLines(string text)
    {
        var sb = new StringBuilder(text.Length);
        int newlines = 0;
        bool space = false;
        foreach (char c in text)
        {
            if (c == '\n')
            {
                if (sb.Length > 0)
                {
                    newlines++;
                }

                space = false;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (newlines > 0)
            {
                sb.Append('\n', Math.Min(newlines, 2));
                newlines = 0;
            }
            else if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }

            space = false;
            sb.Append(c);
        }

        return sb.ToString();
    }

    private static bool IsBlock(string name) => name switch
    {
        "br" or "p" or "div" or "tr" or "li" or "ul" or "ol" or "table" or "blockquote" or "pre" or "hr"
            or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "section" or "article" or "header" or "footer"
            or "dt" or "dd" or "dl" or "address" or "center" or "form" or "nav" or "aside" or "main" or "body" => true,
        _ => false,
    };
}
