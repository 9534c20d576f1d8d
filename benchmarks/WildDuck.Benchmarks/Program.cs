// SPDX-License-Identifier: MIT
using System;
using BenchmarkDotNet.Running;
using WildDuck.Benchmarks;

// dotnet run -c Release --project benchmarks/WildDuck.Benchmarks -- --filter '*' --job short
// dotnet run -c Release --project benchmarks/WildDuck.Benchmarks -- --stages   (Stopwatch per ingest stage)
if (args.Length == 1 && string.Equals(args[0], "--stages", StringComparison.Ordinal))
{
    StageProfiler.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, new BenchmarkConfig());
