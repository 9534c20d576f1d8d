// SPDX-License-Identifier: MIT
using System.Runtime.CompilerServices;
using System.Text;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Makes the code-pages encodings (ISO-2022-JP, KOI8-R, windows-125x, ...) available to MimeKit.
/// </summary>
/// <remarks>
/// MimeKit resolves charsets through <see cref="Encoding.GetEncoding(int)"/> and snapshots what is
/// available the first time it is used, so the provider must be registered before that: when this
/// assembly loads. Registration is idempotent. Our own decoders (<see cref="BodyTextDecoder"/>,
/// <see cref="EncodedWordDecoder"/>) do not depend on it; MimeKit's address display-name decoding does.
/// </remarks>
internal static class CodePagesRegistration
{
#pragma warning disable CA2255 // deliberate: must run before the first MimeKit call in the process
    [ModuleInitializer]
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
#pragma warning restore CA2255
}
