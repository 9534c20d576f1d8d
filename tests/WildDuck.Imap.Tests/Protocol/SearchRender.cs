// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Linq;
using WildDuck.Imap.Protocol;
using WildDuck.Storage.Search;

namespace WildDuck.Imap.Tests.Protocol;

/// <summary>A compact text form of search trees so test tables stay readable.</summary>
internal static class SearchRender
{
    public static string Render(SearchKey key) => key switch
    {
        AllKey => "ALL",
        AndKey a => "(" + string.Join(" ", a.Keys.Select(Render)) + ")",
        OrKey o => $"OR({Render(o.Left)},{Render(o.Right)})",
        NotKey n => $"NOT({Render(n.Key)})",
        FlagKey f => (f.IsSet ? "+" : "-") + f.Flag,
        KeywordKey k => (k.IsSet ? "KW:" : "!KW:") + k.Keyword,
        RecentKey r => r.Kind.ToString(),
        HeaderKey h => $"{h.Field}~'{h.Value}'",
        HeaderFieldKey h => $"H:{h.Name}~'{h.Value}'",
        TextKey t => (t.IncludeHeaders ? "TEXT" : "BODY") + $"~'{t.Value}'",
        DateKey d => $"{d.Field}.{d.Comparison}:{d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
        WithinKey w => (w.Older ? "OLDER:" : "YOUNGER:") + w.Seconds,
        SizeKey s => (s.Larger ? ">" : "<") + s.Size,
        SequenceSetKey q => (q.IsUid ? "UID:" : "SEQ:") + q.Set,
        ModSeqKey m => "MODSEQ:" + m.ModSeq,
        UidKey u => "UIDS:" + u.Uids,
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };
}
