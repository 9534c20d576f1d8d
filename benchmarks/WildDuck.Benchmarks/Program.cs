// SPDX-License-Identifier: MIT
using BenchmarkDotNet.Running;
using WildDuck.Benchmarks;

// dotnet run -c Release --project benchmarks/WildDuck.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, new BenchmarkConfig());
