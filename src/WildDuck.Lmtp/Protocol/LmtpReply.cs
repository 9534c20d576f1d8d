// SPDX-License-Identifier: MIT
namespace WildDuck.Lmtp.Protocol;

/// <summary>The fixed replies of the LMTP engine; <see cref="LmtpStrings.Line"/> holds their bytes.</summary>
internal enum LmtpReply : byte
{
    /// <summary>No reply (success of a parse step).</summary>
    None,
    Ok,
    SenderOk,
    Flushed,
    StartMailInput,
    Bye,
    Help,
    VrfyCannot,
    VrfyDisabled,
    StartTlsReady,
    StartTlsUnavailable,
    CommandUnrecognized,
    HeloRefused,
    LineTooLong,
    SyntaxError,
    InvalidArguments,
    BadRecipientAddress,
    BadSenderAddress,
    Utf8Required,
    UnknownParameter,
    NeedLhlo,
    NeedMail,
    NestedMail,
    NoRecipients,
    BinaryMimeNeedsBdat,
    DataDuringBdat,
    RcptDuringBdat,
    TooManyRecipients,
    SizeExceeded,
    TooManyErrors,
    Timeout,
    ShuttingDown,
    LocalError,
}
