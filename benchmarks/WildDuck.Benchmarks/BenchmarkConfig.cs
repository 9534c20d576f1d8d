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
        AddJob(Job.Default.WithGcServer(false).WithGcConcurrent(false));
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
    }
}
