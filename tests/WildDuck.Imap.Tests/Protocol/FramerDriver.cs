// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using WildDuck.Imap.Protocol;

namespace WildDuck.Imap.Tests.Protocol;

/// <summary>What a framer run produced: complete commands (as strings) and errors, in order.</summary>
internal sealed record FrameEvent(FrameStatus Status, string? Command, FrameError Error = FrameError.None, string? Tag = null);

/// <summary>Feeds a whole input to the framer like a reader that accepts every literal inline.</summary>
internal static class FramerDriver
{
    public static List<FrameEvent> Run(ImapFramer framer, ReadOnlySequence<byte> input, bool authenticated = true)
    {
        var state = new ImapFrameState { IsAuthenticated = authenticated };
        var events = new List<FrameEvent>();
        var buffer = input;
        for (var guard = 0; guard < 100_000; guard++)
        {
            var status = framer.TryFrame(ref state, buffer, out var consumed, out _, out var frame);
            switch (status)
            {
                case FrameStatus.Complete:
                    events.Add(new FrameEvent(status, Text(frame.Command)));
                    buffer = buffer.Slice(consumed);
                    break;
                case FrameStatus.LiteralAnnounced:
                    if (frame.LiteralFitsInline)
                    {
                        state.AcceptLiteral();
                    }
                    else
                    {
                        events.Add(new FrameEvent(status, Text(frame.Command)));
                        state.RejectLiteral();
                    }

                    buffer = buffer.Slice(consumed);
                    break;
                case FrameStatus.Error:
                    events.Add(new FrameEvent(status, null, frame.Error, frame.Tag.IsEmpty ? null : Text(frame.Tag)));
                    buffer = buffer.Slice(consumed);
                    break;
                default:
                    // The whole input was supplied, so "need more" means it is exhausted.
                    return events;
            }
        }

        throw new InvalidOperationException("framer did not terminate");
    }

    public static string Text(in ReadOnlySequence<byte> bytes) => System.Text.Encoding.Latin1.GetString(bytes.ToArray());
}
