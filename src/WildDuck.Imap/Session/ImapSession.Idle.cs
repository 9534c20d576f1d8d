// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using WildDuck.Imap.Protocol;

namespace WildDuck.Imap.Session;

/// <content>IDLE (RFC 2177).</content>
internal sealed partial class ImapSession
{
    private async ValueTask IdleAsync()
    {
        WriteContinuation("idling");
        await FlushAsync().ConfigureAwait(false);
        _idling = true;
        _timer.Arm(_server.Options.MaxIdleDuration);
        try
        {
            while (true)
            {
                // Updates go out immediately while idling (RFC 2177 §3). A change signalled after
                // this point cancels the next read, so no wake-up is lost.
                await WriteUpdatesAsync(allowExpunge: true).ConfigureAwait(false);
                await FlushAsync().ConfigureAwait(false);
                var result = await _reader.ReadAsync().ConfigureAwait(false);
                switch (result.Kind)
                {
                    case ImapReadKind.Canceled:
                        if (_stopping)
                        {
                            await ByeAsync(StopReason).ConfigureAwait(false);
                            return;
                        }

                        if (_timer.TimedOut)
                        {
                            await ByeAsync("IDLE lasted too long, reconnect").ConfigureAwait(false);
                            return;
                        }

                        continue;
                    case ImapReadKind.Command when ImapCommandParser.IsDone(result.Command.Span):
                        await OkAsync("IDLE terminated").ConfigureAwait(false);
                        return;
                    case ImapReadKind.Command:
                        throw new ImapBadException("Expected DONE");
                    case ImapReadKind.EndOfStream:
                        throw new ConnectionClosedException();
                    case ImapReadKind.LiteralAnnounced:
                        _reader.RejectLiteral();
                        throw new ImapBadException("Expected DONE");
                    default:
                        throw new ImapBadException("Expected DONE");
                }
            }
        }
        finally
        {
            _idling = false;
            _timer.Disarm();
        }
    }
}
