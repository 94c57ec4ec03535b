using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Ppl.Bench;

/// <summary>
/// BenchmarkDotNet's memory diagnoser on the generated <c>Assess</c> of <see cref="SchoolsBench"/> through a
/// trace's own choices (the scalar path): an independent measurement of the allocations per call.
/// </summary>
public class GeneratedAssessAllocation
{
    private double[] _ys = [];
    private ChoiceMap _choices = ChoiceMap.Empty;

    /// <summary>Data and a trace to assess.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(7);
        _ys = Enumerable.Range(0, SchoolsBench.Groups).Select(_ => 3 * rng.NextGaussian()).ToArray();
        _choices = SchoolsBench.SchoolsModel.Simulate(_ys, new Rng(1)).Choices;
    }

    /// <summary>One generated assess.</summary>
    [Benchmark]
    public double Assess() => SchoolsBench.SchoolsModel.Assess(_ys, _choices).Weight;

    /// <summary>Runs the benchmark in process (a short job: only the allocation figure is used) and returns bytes per call.</summary>
    public static double BytesPerCall()
    {
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(NullLogger.Instance)
            .WithOptions(ConfigOptions.DisableLogFile)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "ppl-bench-artifacts"));
        var summary = BenchmarkRunner.Run<GeneratedAssessAllocation>(config);
        var report = summary.Reports.Single();
        return report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? double.NaN;
    }
}
