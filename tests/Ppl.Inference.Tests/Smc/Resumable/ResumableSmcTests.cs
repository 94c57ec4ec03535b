using Ppl.Enumeration;
using Ppl.Inference.Smc;
using Ppl.Modeling;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc.Resumable;

/// <summary>
/// SMC over generated resumable state machines (SPEC M7) against replay, the existing dynamic SMC and the
/// Kalman filter: same log evidence under the same seed (the per-particle streams align, so the runs are the
/// same numbers), unbiased Ẑ (with a negative control that shares executions instead of cloning them),
/// independent clones, and O(T) body work against replay's O(T²).
/// </summary>
public class ResumableSmcTests(ITestOutputHelper output)
{
    private static readonly RunOptions OneThread = new() { MaxDegreeOfParallelism = 1 };
    private static readonly double[] Data10 = SmcModels.SimulateLgssm(10, 42);

    [Fact]
    public void TheCoveredModelsAreResumableAndTheTryStatementFallsBackToReplay()
    {
        Assert.True(ResumableModels.LgssmResumable.IsResumable);
        Assert.True(ResumableModels.LgssmPathResumable.IsResumable);
        Assert.True(ResumableModels.MixedResumable.IsResumable);
        Assert.False(ResumableModels.GuardedResumable.IsResumable);
        Assert.Contains("try statement", ResumableModels.GuardedResumable.FallbackReason);
        Assert.Throws<NotSupportedException>(() => ResumableModels.GuardedResumable.Start(Data10));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ResumableReplayAndDynamicSmc_GiveTheSameLogEvidence_UnderTheSameSeed(int seed)
    {
        var resumable = ResumableSmc.Run(ResumableModels.LgssmResumable, Data10, 64, new Rng(seed));
        var replay = ResumableSmc.Run(ResumableModels.LgssmResumable, Data10, 64, new Rng(seed), replay: true);
        var dynamic = BootstrapSmc.Run(SmcModels.Lgssm(), Data10, 64, new Rng(seed));
        var fallback = ResumableSmc.Run(ResumableModels.GuardedResumable, Data10, 64, new Rng(seed));
        output.WriteLine($"log Ẑ: resumable {resumable.LogEvidence}, replay {replay.LogEvidence}, dynamic {dynamic.LogEvidence}, fallback {fallback.LogEvidence}");
        Assert.Equal(dynamic.LogEvidence, resumable.LogEvidence, 10);
        Assert.Equal(dynamic.LogEvidence, replay.LogEvidence, 10);
        Assert.Equal(dynamic.LogEvidence, fallback.LogEvidence, 10);
        Assert.Equal(dynamic.Returns, resumable.Returns);
        // The same resampling events and evidence per step (ESS only to rounding: the increments are summed differently).
        Assert.Equal(dynamic.Steps.Select(s => (s.Resampled, s.UniqueAncestors, s.LogEvidence)), resumable.Steps.Select(s => (s.Resampled, s.UniqueAncestors, s.LogEvidence)));
        Assert.All(dynamic.Steps.Zip(resumable.Steps), p => Assert.Equal(p.First.EffectiveSampleSize, p.Second.EffectiveSampleSize, 9));
        Assert.StartsWith("SMC (resumable", resumable.Algorithm);
        Assert.StartsWith("SMC (replay", fallback.Algorithm);
        // The result's traces of the original model carry the particles' choices.
        var sample = resumable.Samples.Traces[0];
        Assert.Equal(resumable.Returns[0], sample.Return);
        Assert.Equal(Data10.Length + 1, sample.Choices.Leaves.Count());
    }

    /// <summary>
    /// With a plain stream ResumableSmc runs its own flat driver (ResumableParticles: executions advanced in place, copies
    /// only for extra offspring, recycled executions); the engine runs the replay. They must be the same algorithm on the
    /// paths the driver reimplements: ESS-adaptive and no resampling, a limit on the steps (then the particles run to the
    /// end), and particles on two threads.
    /// </summary>
    [Theory]
    [InlineData(0.5, int.MaxValue, 2)]
    [InlineData(1.0, 4, 2)]
    [InlineData(0.0, int.MaxValue, 1)]
    [InlineData(1.0, int.MaxValue, 1)]
    public void TheFlatDriverIsTheEngine_UnderEveryResamplingPolicy(double threshold, int steps, int threads)
    {
        var smc = new SmcOptions { EssThreshold = threshold, Steps = steps };
        var options = new RunOptions { MaxDegreeOfParallelism = threads };
        var flat = ResumableSmc.Run(ResumableModels.LgssmResumable, Data10, 200, new Rng(5), smc, options);
        var engine = ResumableSmc.Run(ResumableModels.LgssmResumable, Data10, 200, new Rng(5), smc, options, replay: true);
        Assert.StartsWith("SMC (resumable", flat.Algorithm);
        Assert.Equal(engine.LogEvidence, flat.LogEvidence, 10);
        Assert.Equal(engine.Returns, flat.Returns);
        Assert.Equal(engine.Steps.Select(s => (s.Step, s.Resampled, s.UniqueAncestors)), flat.Steps.Select(s => (s.Step, s.Resampled, s.UniqueAncestors)));
        Assert.All(engine.Steps.Zip(flat.Steps), p => Assert.Equal(p.First.LogEvidence, p.Second.LogEvidence, 10));
        Assert.Equal(engine.SurvivingLineages, flat.SurvivingLineages);
        Assert.All(engine.Population.LogWeights.Zip(flat.Population.LogWeights), p => Assert.Equal(p.First, p.Second, 10));
        Assert.All(flat.Population.Particles, t => Assert.True(t.Return.Finished));
        Assert.Equal(engine.Samples.Traces[7].Choices.Leaves.Count(), flat.Samples.Traces[7].Choices.Leaves.Count());
        Assert.Equal(engine.Samples.Traces[7].Score, flat.Samples.Traces[7].Score, 10);
    }

    [Fact]
    public void EveryCoveredConstruct_GivesTheReplaysLogEvidenceAndReturns()
    {
        var data = SmcModels.SimulateLgssm(7, 3);
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var smc = new SmcOptions { EssThreshold = 0.5 };
            var a = ResumableSmc.Run(ResumableModels.MixedResumable, data, 40, new Rng(seed), smc);
            var b = ResumableSmc.Run(ResumableModels.MixedResumable, data, 40, new Rng(seed), smc, replay: true);
            Assert.Equal(b.LogEvidence, a.LogEvidence, 10);
            Assert.Equal(b.Returns, a.Returns);
            Assert.Equal(b.Steps.Count, a.Steps.Count);
            Assert.Equal(b.Samples.Traces[0].Choices.Leaves.Count(), a.Samples.Traces[0].Choices.Leaves.Count());
            var p = ResumableSmc.Run(ResumableModels.LgssmPathResumable, data, 40, new Rng(seed), smc);
            var q = ResumableSmc.Run(ResumableModels.LgssmPathResumable, data, 40, new Rng(seed), smc, replay: true);
            Assert.Equal(q.LogEvidence, p.LogEvidence, 10);
            Assert.Equal(q.Returns, p.Returns);
        }
    }

    private (double Mean, double Se) Ratios(int runs, Func<Rng, double> logZHat, int seed)
    {
        var (logZ, _, _) = SmcModels.Kalman(Data10);
        var rng = new Rng(seed);
        var ratios = new double[runs];
        for (var r = 0; r < runs; r++) ratios[r] = Math.Exp(logZHat(rng.Split()) - logZ);
        var (m, se) = SmcModels.MeanAndSe(ratios);
        output.WriteLine($"mean Ẑ/Z = {m:F4} ± {se:F4}");
        return (m, se);
    }

    [Fact]
    public void LogEvidenceIsUnbiased_AgainstTheKalmanFilter()
    {
        var (m, se) = Ratios(300, rng => ResumableSmc.Run(ResumableModels.LgssmPathResumable, Data10, 20, rng, options: OneThread).LogEvidence, 11);
        Assert.True(Math.Abs(m - 1) <= 4 * se, $"mean Ẑ/Z = {m} ± {se}");
    }

    /// <summary>
    /// A small bootstrap filter written on the public execution API (advance, reweight, resample, clone).
    /// <paramref name="clone"/> false is the negative control: offspring share one execution, so advancing
    /// one advances its siblings too (the array and the state are shared), and the estimate is wrong.
    /// </summary>
    private static double HandFilter(ResumableModel<double[], double> model, double[] data, int n, Rng rng, bool clone)
    {
        var particles = Enumerable.Range(0, n).Select(_ => model.Start(data)).ToArray();
        var logZ = 0.0;
        for (var t = 0; t < data.Length; t++)
        {
            var lw = particles.Select(p => p.Advance(rng)).ToArray();
            var max = lw.Max();
            var w = lw.Select(x => Math.Exp(x - max)).ToArray();
            var sum = w.Sum();
            logZ += max + Math.Log(sum / n);
            var next = new ResumableExecution<double>[n];
            var used = new bool[n];
            for (var i = 0; i < n; i++)
            {
                var u = rng.NextDouble() * sum;
                var j = 0;
                for (var acc = w[0]; acc < u && j < n - 1; acc += w[++j]) { }
                next[i] = clone && used[j] ? particles[j].Clone() : particles[j];
                used[j] = true;
            }
            particles = next;
        }
        return logZ;
    }

    [Fact]
    public void CloningIsWhatMakesTheHandWrittenFilterUnbiased_SharingIsTheNegativeControl()
    {
        var (good, goodSe) = Ratios(300, rng => HandFilter(ResumableModels.LgssmPathResumable, Data10, 20, rng, clone: true), 12);
        Assert.True(Math.Abs(good - 1) <= 4 * goodSe, $"mean Ẑ/Z = {good} ± {goodSe}");
        var (bad, badSe) = Ratios(300, rng => HandFilter(ResumableModels.LgssmPathResumable, Data10, 20, rng, clone: false), 12);
        Assert.True(Math.Abs(bad - 1) > 5 * badSe, $"sharing executions should be biased: mean Ẑ/Z = {bad} ± {badSe}");
    }

    public static IEnumerable<object[]> ResamplerNames => Resamplers.All.Select(r => new object[] { r.Name });

    /// <summary>
    /// papers.md E1 on the resumable path: under the exact enumerator, the collapse of resumable SMC with two
    /// particles (pausing at both factors, resampling at each) has exactly the model's evidence and posterior
    /// (the negative control of this pipeline, offspring weight 1/N, is ExactEnumerationTests' E1 control).
    /// </summary>
    [Theory]
    [MemberData(nameof(ResamplerNames))]
    public void CollapseOfResumableSmcWithTwoParticles_IsExactlyTheModel(string resampler)
    {
        var r = Resamplers.All.Single(x => x.Name == resampler);
        var result = Enumerate.Program(rng =>
        {
            var smc = ResumableSmc.Run(Ppl.Examples.SmcSprinklerModels.SprinklerResumable, Unit.Value, 2, rng, new SmcOptions { Resampler = r });
            Assert.StartsWith("SMC (resumable", smc.Algorithm);
            var (particle, lw) = smc.Population.Collapse(rng);
            return (Rain: particle.Return.Return, LogWeight: lw);
        }, v => v.LogWeight);
        Assert.Equal(0.5026, result.Evidence, 9);
        Assert.Equal(0.0546 / 0.5026, result.Probability(e => e.Value.Rain), 9);
    }

    [Fact]
    public void AdvancingACloneLeavesTheOriginalUnchanged()
    {
        var data = SmcModels.SimulateLgssm(6, 5);
        var original = ResumableModels.MixedResumable.Start(data);
        var rng = new Rng(3);
        for (var k = 0; k < 4; k++) original.Advance(rng);
        var (score, points, choices) = (original.Score, original.ScorePoints, original.Choices);
        var twin = original.Clone();
        var clone = original.Clone();
        while (!clone.Finished) clone.Advance(new Rng(99));
        Assert.Equal(score, original.Score);
        Assert.Equal(points, original.ScorePoints);
        Assert.Same(choices, original.Choices);
        Assert.False(original.Finished);
        // The original (and its written array) still runs exactly as an untouched copy does.
        var r1 = new Rng(7);
        var r2 = new Rng(7);
        while (!original.Finished) original.Advance(r1);
        while (!twin.Finished) twin.Advance(r2);
        Assert.Equal(twin.Return, original.Return);
        Assert.Equal(twin.Score, original.Score);
        Assert.NotEqual(clone.Score, original.Score);
    }

    [Fact]
    public void ClonesCopyTheArraysTheBodyWrites_InterleavedRunsDoNotSeeEachOther()
    {
        // LgssmPath reads path[i] and writes path[i + 1]: two executions sharing the array would read each
        // other's states when advanced in turn (a clone that shared it would fail this test).
        var a = ResumableModels.LgssmPathResumable.Start(Data10);
        var rng = new Rng(4);
        for (var k = 0; k < 3; k++) a.Advance(rng);
        var b = a.Clone();
        var (c, d) = (a.Clone(), b.Clone());
        var (ra, rb) = (new Rng(21), new Rng(22));
        while (!a.Finished || !b.Finished)
        {
            a.Advance(ra);
            b.Advance(rb);
        }
        var (rc, rd) = (new Rng(21), new Rng(22));
        while (!c.Finished) c.Advance(rc);
        while (!d.Finished) d.Advance(rd);
        Assert.Equal(c.Return, a.Return);
        Assert.Equal(c.Score, a.Score);
        Assert.Equal(d.Return, b.Return);
        Assert.Equal(d.Score, b.Score);
        Assert.NotEqual(a.Return, b.Return);
    }

    [Fact]
    public void ResumableSmcDoesLinearBodyWork_ReplayDoesQuadratic()
    {
        long Work(int steps, bool replay)
        {
            var data = SmcModels.SimulateLgssm(steps, 9);
            var before = ResumableModels.Ticks;
            ResumableSmc.Run(ResumableModels.LgssmPathResumable, data, 10, new Rng(1), options: OneThread, replay: replay);
            return ResumableModels.Ticks - before;
        }
        var (r10, r40) = (Work(10, false), Work(40, false));
        var (p10, p40) = (Work(10, true), Work(40, true));
        output.WriteLine($"loop iterations: resumable T=10 {r10}, T=40 {r40}; replay T=10 {p10}, T=40 {p40}");
        Assert.Equal(10 * 10, r10); // N·T: each iteration runs once per particle
        Assert.Equal(10 * 40, r40);
        Assert.True(p40 / (double)p10 > 12, $"replay should grow like T²: {p10} → {p40}");
        // The execution's own count of effects: one choice + one observation per step, plus x₀.
        var e = ResumableModels.LgssmPathResumable.Start(Data10);
        while (!e.Finished) e.Advance(new Rng(1));
        Assert.Equal(2 * Data10.Length + 1, e.SiteVisits);
    }
}
