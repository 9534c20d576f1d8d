// SPDX-License-Identifier: MIT
using System.IO.Pipelines;

namespace WildDuck.Hosting.Internal;

/// <summary>A reader and a writer paired as a transport.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
