// SPDX-License-Identifier: MIT
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace WildDuck.Benchmarks;

/// <summary>
/// Memory diagnoser on; workstation, non-concurrent GC so allocation figures are stable between
/// runs (a background GC thread would add noise to per-operation allocation counts).
/// </summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median);
        // A mutator: applied to whatever job runs (Job.Default, or --job short from the command line)
        // instead of an extra full-length job that would run next to it.
        AddJob(Job.Default.WithGcServer(false).WithGcConcurrent(false).AsMutator());
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
    }
}
