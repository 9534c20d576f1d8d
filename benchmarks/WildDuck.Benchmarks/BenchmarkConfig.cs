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
        // AsDefault: the base of any --job given on the command line (e.g. --job short keeps these GC
        // settings) instead of an extra job that would run next to it.
        AddJob(Job.Default.WithGcServer(false).WithGcConcurrent(false).AsDefault());
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
    }
}
