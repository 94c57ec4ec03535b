using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Amortized.Programs;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using Ppl.Inference.Importance;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized.Programs;

/// <summary>
/// A tiny DT trained for a few seconds from the [Model] <see cref="ProgramModels.NormalInverseGamma"/>, its latents
/// (μ, σ²) and observations y(i) named by address and its fixed prior given as a mixture fitted to the model's prior.
/// </summary>
public sealed class NormalInverseGammaDt
{
    public const int N = 8;

    public static readonly DtConfig Sizes = new()
    {
        Components = 3, ObservationScaling = ObservationScaling.Asinh, ModelDimension = 16, Heads = 2, Layers = 1, FeedForward = 32, EmbeddingHidden = 16,
    };

    public static readonly double[] Data = [1.3, -0.4, 2.8, 0.9, 2.2, -1.1, 1.7, 0.6];

    public NormalInverseGammaDt()
    {
        set_num_threads(1);
        Meta = new TracedMetaModel<int, double>(ProgramModels.NormalInverseGammaModel, N,
            [DtLatent.Real("mu"), DtLatent.Positive("sigma2")], DtObserved.Indexed(i => new Address("y", i)), DtPriorToken<int>.FittedToPrior(3));
        Transformer = Meta.CreateTransformer(Sizes, seed: 3);
        Training = DtTrainer.Train(Transformer, Meta, new DtTrainingOptions { Steps = 300, BatchSize = 128, LearningRate = 3e-3, WarmupSteps = 30 }, new Rng(4));
        Observations = Observe(Data);
        Posterior = Meta.Posterior(Transformer, N, Observations);
    }

    public TracedMetaModel<int, double> Meta { get; }

    public DistributionTransformer Transformer { get; }

    public DtTrainingResult Training { get; }

    public ChoiceMap Observations { get; }

    public DtPosterior Posterior { get; }

    public static ChoiceMap Observe(double[] y)
    {
        var map = ChoiceMap.Empty;
        for (var i = 0; i < y.Length; i++) map = map.Set(new Address("y", i), y[i]);
        return map;
    }
}

[Collection(nameof(TorchGlobalStateCollection))]
public class TracedDtTests(NormalInverseGammaDt nig, ITestOutputHelper output) : IClassFixture<NormalInverseGammaDt>
{
    static TracedDtTests() => set_num_threads(1);

    private const int Particles = 4000;

    [Fact]
    public void TrainingBatchIsReadFromTheTraceByAddress()
    {
        using var scope = NewDisposeScope();
        var batch = nig.Meta.Simulate(4, new Rng(1));
        Assert.Equal(new long[] { 4, 2 }, batch.Latent.shape);
        Assert.Equal(new long[] { 4, NormalInverseGammaDt.N, 1 }, batch.Observations[0].shape);
        var prior = Assert.IsType<DtPrior.Mixture>(batch.Prior);
        Assert.Equal(3, prior.Value.K);
        // The same stream gives the same trace: its choices are the batch's rows.
        var streams = new Rng(1).Split(4);
        var trace = ProgramModels.NormalInverseGammaModel.Simulate(NormalInverseGammaDt.N, streams[2]);
        Assert.Equal(trace.Choices.Get<double>("mu"), batch.Latent[2, 0].ToDoubleValue(), 12);
        Assert.Equal(trace.Choices.Get<double>("sigma2"), batch.Latent[2, 1].ToDoubleValue(), 12);
        Assert.Equal(trace.Choices.Get<double>(new Address("y", 5)), batch.Observations[0][2, 5, 0].ToDoubleValue(), 12);
        Assert.True(nig.Training.FinalPosteriorNll < nig.Training.Losses.Take(10).Average(), $"training did not lower the loss: {nig.Training.FinalPosteriorNll}");
    }

    [Fact]
    public void ProposalAssessEqualsTheMixtureDensityComputedIndependently()
    {
        using var scope = NewDisposeScope();
        var proposal = nig.Posterior.Proposal;
        // The network's own output mixture, evaluated by GmmTensors on y = (μ, log σ²), with the Jacobian of σ² = exp(y₂).
        var q = nig.Transformer.Forward(nig.Meta.PriorOf(NormalInverseGammaDt.N), [nig.Meta.ObservationsOf(nig.Observations)]).Posterior;
        var rng = new Rng(2);
        for (var i = 0; i < 50; i++)
        {
            var (choices, weight, _) = proposal.Propose(Unit.Value, rng);
            var mu = choices.Get<double>("mu");
            var s2 = choices.Get<double>("sigma2");
            var y = tensor(new[] { mu, Math.Log(s2) }).reshape(1, 2);
            var expected = q.LogProb(y.to_type(q.Means.dtype))[0].ToDoubleValue() - Math.Log(s2);
            var assessed = proposal.Assess(Unit.Value, choices).Weight;
            Assert.Equal(expected, assessed, 4); // float32 network output against the float64 copy
            Assert.Equal(weight, assessed, 10);
            Assert.Equal(assessed, nig.Posterior.LogDensity(choices), 12);
            Assert.Equal(assessed, proposal.Generate(Unit.Value, choices, rng).Weight, 12);
        }
    }

    [Fact]
    public void ImportanceSamplingOnTheModelWithTheDtProposalMatchesTheExactAnswer()
    {
        var exact = ProgramModels.NormalInverseGammaExact(NormalInverseGammaDt.Data);
        var s = ImportanceSampling.Run(ProgramModels.NormalInverseGammaModel, NormalInverseGammaDt.N, nig.Observations, nig.Posterior.Proposal, Unit.Value, Particles, new Rng(7));
        var check = IsCheck.Of(s.LogWeights, s.Traces.Select(t => t.Choices.Get<double>("mu")).ToArray(), s.Traces.Select(t => t.Choices.Get<double>("sigma2")).ToArray());
        output.WriteLine($"exact log Z {exact.LogEvidence:F4}, E[mu] {exact.MeanMu:F4}, E[sigma2] {exact.MeanSigma2:F4}; {check}; ESS {s.EffectiveSampleSize:F0}");
        Assert.True(check.Within(exact.LogEvidence, exact.MeanMu, exact.MeanSigma2, 5), check.ToString());
        // The prior as proposal answers too, with a much smaller effective sample size.
        var prior = ImportanceSampling.Run(ProgramModels.NormalInverseGammaModel, NormalInverseGammaDt.N, nig.Observations, Particles, new Rng(7));
        output.WriteLine($"ESS: DT proposal {s.EffectiveSampleSize:F0}, prior {prior.EffectiveSampleSize:F0}");
        Assert.True(s.EffectiveSampleSize > 2 * prior.EffectiveSampleSize, $"DT ESS {s.EffectiveSampleSize}, prior ESS {prior.EffectiveSampleSize}");
    }

    [Fact]
    public void NegativeControlAProposalWhoseDensityOmitsTheJacobianFailsTheSameCheck()
    {
        var exact = ProgramModels.NormalInverseGammaExact(NormalInverseGammaDt.Data);
        // log q_y(log σ²) instead of log q_x(σ²) = log q_y(log σ²) − log σ².
        var wrong = new DistortedProposal(nig.Posterior.Proposal, c => Math.Log(c.Get<double>("sigma2")));
        var s = ImportanceSampling.Run(ProgramModels.NormalInverseGammaModel, NormalInverseGammaDt.N, nig.Observations, wrong, Unit.Value, Particles, new Rng(7));
        var check = IsCheck.Of(s.LogWeights, s.Traces.Select(t => t.Choices.Get<double>("mu")).ToArray(), s.Traces.Select(t => t.Choices.Get<double>("sigma2")).ToArray());
        output.WriteLine(check.ToString());
        Assert.False(check.Within(exact.LogEvidence, exact.MeanMu, exact.MeanSigma2, 5), $"the check did not reject the proposal without its Jacobian: {check}");
    }

    [Fact]
    public void StandalonePosteriorMeansAreClosedFormsOfTheMixtureAndNearTheExactOnes()
    {
        var exact = ProgramModels.NormalInverseGammaExact(NormalInverseGammaDt.Data);
        var rng = new Rng(9);
        const int n = 20_000;
        double mu = 0, s2 = 0;
        for (var i = 0; i < n; i++)
        {
            var c = nig.Posterior.Sample(rng);
            mu += c.Get<double>("mu") / n;
            s2 += c.Get<double>("sigma2") / n;
        }
        output.WriteLine($"DT means mu {nig.Posterior.Mean("mu"):F4} (draws {mu:F4}, exact {exact.MeanMu:F4}), sigma2 {nig.Posterior.Mean("sigma2"):F4} (draws {s2:F4}, exact {exact.MeanSigma2:F4})");
        Assert.Equal(mu, nig.Posterior.Mean("mu"), 1);
        Assert.True(Math.Abs(s2 - nig.Posterior.Mean("sigma2")) < 0.05 * s2);
        // A few seconds of training: near the exact posterior (its sds are about 0.4 for μ and 0.6 for σ²), not equal.
        Assert.True(Math.Abs(nig.Posterior.Mean("mu") - exact.MeanMu) < 0.4, $"{nig.Posterior.Mean("mu")} vs {exact.MeanMu}");
        Assert.True(Math.Abs(nig.Posterior.Mean("sigma2") - exact.MeanSigma2) < 0.8, $"{nig.Posterior.Mean("sigma2")} vs {exact.MeanSigma2}");
    }

    [Fact]
    public void TheDtProposalDrivesAnIndependenceMhChainOnTheModel()
    {
        // Custom-proposal MH with the DT posterior as an independence proposal: the discarded latents are assessed back.
        var exact = ProgramModels.NormalInverseGammaExact(NormalInverseGammaDt.Data);
        var kernel = new Ppl.Inference.Mcmc.CustomProposalMh<int, double, Unit, Unit>(nig.Posterior.Proposal, _ => Unit.Value);
        var rng = new Rng(12);
        var state = new Ppl.Inference.Mcmc.TraceState<int, double>(ProgramModels.NormalInverseGammaModel.Generate(NormalInverseGammaDt.N, nig.Observations, rng).Trace);
        const int batches = 40, per = 100;
        var means = new double[batches];
        var accepted = 0;
        for (var b = 0; b < batches; b++)
            for (var i = 0; i < per; i++)
            {
                state = kernel.Step(state, rng);
                if (state.Stats.Accepted) accepted++;
                means[b] += state.Trace.Choices.Get<double>("mu") / per;
            }
        var m = means.Average();
        var mcse = Math.Sqrt(means.Sum(v => (v - m) * (v - m)) / (batches - 1) / batches);
        output.WriteLine($"independence MH: E[mu] {m:F4} ± {mcse:F4} (exact {exact.MeanMu:F4}), acceptance {accepted / (double)(batches * per):F3}");
        Assert.True(Math.Abs(m - exact.MeanMu) < 5 * mcse, $"{m} ± {mcse} vs {exact.MeanMu}");
        Assert.True(accepted > batches * per / 2);
    }

    [Fact]
    public void FittedPriorTokenHasThePriorsMomentsAndAGivenMixtureIsUsedAsIs()
    {
        using var scope = NewDisposeScope();
        // Under the prior, E[μ] = 0 and E[log σ²] = log β − ψ(α) = log 2 − ψ(3); Var[log σ²] = ψ′(3).
        var fitted = nig.Meta.PriorMixture!;
        var mean = fitted.Mean.data<double>().ToArray();
        Assert.Equal(0, mean[0], 1);
        Assert.Equal(Math.Log(2) - 0.92278433509846713, mean[1], 1);
        var given = new Ppl.Distributions.Tensors.Gmm(tensor(new[] { 1.0 }), tensor(new[] { 0.0, -0.2 }).reshape(1, 2), eye(2, dtype: ScalarType.Float64).reshape(1, 2, 2));
        var meta = new TracedMetaModel<int, double>(ProgramModels.NormalInverseGammaModel, 3,
            [DtLatent.Real("mu"), DtLatent.Positive("sigma2")], DtObserved.Indexed(i => new Address("y", i)), DtPriorToken<int>.Mixture(given));
        var token = Assert.IsType<DtPrior.Mixture>(meta.PriorOf(3));
        Assert.Equal([0.0, -0.2], token.Value.Means.reshape(-1).data<double>().ToArray());
        Assert.Throws<ArgumentException>(() => DtPriorToken<int>.Mixture(new Ppl.Distributions.Tensors.Gmm(tensor(new[] { 1.0 }).reshape(1, 1), tensor(new[] { 0.0, -0.2 }).reshape(1, 1, 2), eye(2, dtype: ScalarType.Float64).reshape(1, 1, 2, 2))));
    }

    [Fact]
    public void BatchedPosteriorsEqualOneAtATime()
    {
        double[] other = [0.2, 0.1, -0.3, 0.4, 0.0, 0.3, -0.1, 0.2];
        var both = nig.Meta.Posteriors(nig.Transformer, [(NormalInverseGammaDt.N, nig.Observations), (NormalInverseGammaDt.N, NormalInverseGammaDt.Observe(other))]);
        var single = nig.Meta.Posterior(nig.Transformer, NormalInverseGammaDt.N, NormalInverseGammaDt.Observe(other));
        var rng = new Rng(5);
        for (var i = 0; i < 20; i++)
        {
            var c = single.Sample(rng);
            Assert.Equal(single.LogDensity(c), both[1].LogDensity(c), 4);
            Assert.Equal(nig.Posterior.LogDensity(c), both[0].LogDensity(c), 4);
        }
        Assert.Throws<ArgumentException>(() => nig.Meta.Posteriors(nig.Transformer, [(NormalInverseGammaDt.N, nig.Observations), (3, NormalInverseGammaDt.Observe([1, 2, 3]))]));
    }

    [Fact]
    public void ProposalGradientMatchesFiniteDifferencesOfAssess()
    {
        var proposal = nig.Posterior.Proposal;
        var trace = proposal.Simulate(Unit.Value, new Rng(3));
        var g = proposal.ChoiceGradients(trace, Selection.All);
        foreach (var a in new Address[] { "mu", "sigma2" })
        {
            var x = trace.Choices.Get<double>(a);
            var h = 1e-5 * Math.Max(1, Math.Abs(x));
            var up = proposal.Assess(Unit.Value, trace.Choices.Set(a, x + h)).Weight;
            var down = proposal.Assess(Unit.Value, trace.Choices.Set(a, x - h)).Weight;
            Assert.Equal((up - down) / (2 * h), g.Get<double>(a), 4);
        }
    }

    [Fact]
    public void BadInputNamesTheAddress()
    {
        var unknown = Assert.Throws<UnknownAddressException>(() => new TracedMetaModel<int, double>(ProgramModels.NormalInverseGammaModel, 3,
            [DtLatent.Real("muu")], DtObserved.Indexed(i => new Address("y", i)), DtPriorToken<int>.FittedToPrior()).Simulate(2, new Rng(1)));
        Assert.Contains("muu", unknown.Message);
        var domain = Assert.Throws<ModelException>(() => new TracedMetaModel<int, double>(ProgramModels.NormalInverseGammaModel, 3,
            [DtLatent.Positive("mu")], DtObserved.Indexed(i => new Address("y", i)), DtPriorToken<int>.FittedToPrior()).Simulate(64, new Rng(1)));
        Assert.Contains("'mu'", domain.Message);
        var missing = Assert.Throws<ModelException>(() => nig.Posterior.LogDensity(ChoiceMap.Empty.Set("mu", 1.0)));
        Assert.Contains("sigma2", missing.Message);
        var wrongType = Assert.Throws<ModelException>(() => nig.Meta.ObservationsOf(ChoiceMap.Empty.Set(new Address("y", 0), "high")));
        Assert.Contains("y/0", wrongType.Message);
        Assert.Throws<NotSupportedException>(() => nig.Posterior.Proposal.Assess(Unit.Value, ChoiceMap.Empty.Set("mu", 1.0)));
        Assert.Throws<UnvisitedConstraintsException>(() => nig.Posterior.Proposal.Assess(Unit.Value, ChoiceMap.Empty.Set("mu", 1.0).Set("sigma2", 1.0).Set("nu", 2.0)));
        var observed = Assert.ThrowsAny<ModelException>(() => ImportanceSampling.Run(ProgramModels.NormalInverseGammaModel, NormalInverseGammaDt.N,
            nig.Observations.Set("mu", 0.5), nig.Posterior.Proposal, Unit.Value, 10, new Rng(1)));
        Assert.Contains("mu", observed.Message);
    }

    [Fact]
    public void ObservationPathsAreParsed()
    {
        var byPath = DtObserved.Indexed(i => $"y/{i}").Resolve(nig.Observations);
        Assert.Equal(DtObserved.Indexed(i => new Address("y", i)).Resolve(nig.Observations), byPath);
        Assert.Equal(NormalInverseGammaDt.N, byPath.Count);
        Assert.Equal(new Address("y", 2), DtObserved.At("y/2", "y/0").Resolve(nig.Observations)[0]);
        Assert.Equal(new Address("w", 2), DtLatent.Real("w/2").Address);
    }

    [Fact]
    public void LatentsCanBeNamedByASelection()
    {
        var meta = new TracedMetaModel<int, double>(ProgramModels.NormalInverseGammaModel, 3, Selection.At("mu", "sigma2"), DtObserved.Indexed(i => new Address("y", i)),
            DtPriorToken<int>.FittedToPrior(), a => a == new Address("sigma2") ? SampleSpaceTransform.Log : SampleSpaceTransform.Identity);
        Assert.Equal(["sigma2", "mu"], meta.Latents.Select(l => l.Address.ToString()).OrderByDescending(s => s).ToArray());
        Assert.Same(SampleSpaceTransform.Log, meta.Latents.Single(l => l.Address == new Address("sigma2")).Transform);
    }
}

/// <summary>
/// The inverse-gamma variance model with its prior named by the model's arguments: one tiny DT, trained on
/// InvGamma(α, β) priors with α, β drawn per simulation, serves every prior of the family.
/// </summary>
[Collection(nameof(TorchGlobalStateCollection))]
public class TracedParametricDtTests(ITestOutputHelper output)
{
    static TracedParametricDtTests() => set_num_threads(1);

    [Fact]
    public void PriorFromArgumentsDtProposalMatchesConjugateEvidenceAndAConstantOffFactorFails()
    {
        using var scope = NewDisposeScope();
        const int n = 5;
        var meta = new TracedMetaModel<(double, double, int), double>(Ppl.Examples.DtInverseGammaModels.VarianceModel,
            rng => (Math.Max(-Math.Log(rng.NextOpenDouble()), 0.05), Math.Max(-Math.Log(rng.NextOpenDouble()), 1e-3), n),
            [DtLatent.Positive("sigma2")], DtObserved.Indexed(i => new Address("z", i)), DtPriorToken<(double, double, int)>.FromArguments(a => [a.Item1, a.Item2]));
        var dt = meta.CreateTransformer(NormalInverseGammaDt.Sizes, seed: 2);
        Assert.Equal(2, dt.Config.PriorParameterCount);
        DtTrainer.Train(dt, meta, new DtTrainingOptions { Steps = 150, BatchSize = 64, LearningRate = 3e-3, WarmupSteps = 10 }, new Rng(21));
        double[] z = [0.5, -1.1, 0.3, 0.9, -0.2];
        var obs = ChoiceMap.Empty;
        for (var i = 0; i < n; i++) obs = obs.Set(new Address("z", i), z[i]);
        var args = (2.0, 1.0, n);
        var posterior = meta.Posterior(dt, args, obs);
        var prior = new Ppl.Distributions.Tensors.InverseGamma(tensor(new[] { 2.0 }), tensor(new[] { 1.0 }));
        var logZ = InverseGammaConjugate.LogEvidence(prior, tensor(z).reshape(1, n))[0].ToDoubleValue();
        var post = InverseGammaConjugate.Update(prior, tensor(z).reshape(1, n));
        var mean = post.Beta[0].ToDoubleValue() / (post.Alpha[0].ToDoubleValue() - 1);
        IsCheck Run(IGenerativeFunction<Unit, Unit> q)
        {
            var s = ImportanceSampling.Run(Ppl.Examples.DtInverseGammaModels.VarianceModel, args, obs, q, Unit.Value, 4000, new Rng(8));
            var s2 = s.Traces.Select(t => t.Choices.Get<double>("sigma2")).ToArray();
            return IsCheck.Of(s.LogWeights, s2, s2);
        }
        var good = Run(posterior.Proposal);
        output.WriteLine($"exact log Z {logZ:F4}, E[sigma2] {mean:F4}; {good}");
        Assert.True(good.Within(logZ, mean, mean, 5), good.ToString());
        // Negative control: Assess (and Propose's weight) off by a constant factor 1.5 in the one dimension.
        var off = Run(new DistortedProposal(posterior.Proposal, _ => Math.Log(1.5)));
        output.WriteLine($"off by 1.5: {off}");
        Assert.False(off.Within(logZ, mean, mean, 5), off.ToString());
    }
}

/// <summary>
/// The traced simulator (a hyperprior [Model] drawing the arguments, then the model, read by address) makes exactly
/// the batches of the hand-packed MetaDraw simulator of the same program: both draw α, β, σ², z in order from one
/// split stream per row (which is why dt-invgamma's figures are unchanged by its port).
/// </summary>
public class TracedSimulatorTests
{
    [Fact]
    public void TracedInverseGammaBatchEqualsTheMetaDrawBatch()
    {
        using var scope = NewDisposeScope();
        const int n = 4, b = 64;
        var traced = new TracedMetaModel<(double, double, int), double>(Ppl.Examples.DtInverseGammaModels.VarianceModel,
            rng => { var h = Ppl.Examples.DtInverseGammaModels.HyperpriorModel.Simulate(Unit.Value, rng).Return; return (h[0], h[1], n); },
            [DtLatent.Positive("sigma2")], DtObserved.Indexed(i => new Address("z", i)), DtPriorToken<(double, double, int)>.FromArguments(a => [a.Item1, a.Item2]));
        var x = traced.Simulate(b, new Rng(3));
        var y = new ModelMetaModel(MetaModels.InverseGamma(n)).Simulate(b, new Rng(3));
        static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(Values(((DtPrior.Parametric)y.Prior).Parameters), Values(((DtPrior.Parametric)x.Prior).Parameters));
        Assert.Equal(Values(y.Latent), Values(x.Latent));
        Assert.Equal(Values(y.Observations[0]), Values(x.Observations[0]));
        // Control: another seed gives other draws.
        Assert.NotEqual(Values(y.Latent), Values(traced.Simulate(b, new Rng(4)).Latent));
    }
}

/// <summary>The log evidence and two self-normalised means of an importance sample, with standard errors from the weights.</summary>
internal sealed record IsCheck(double LogZ, double LogZSe, double MeanA, double MeanASe, double MeanB, double MeanBSe)
{
    public static IsCheck Of(IReadOnlyList<double> logWeights, double[] a, double[] b)
    {
        var n = logWeights.Count;
        var max = logWeights.Max();
        var w = logWeights.Select(l => Math.Exp(l - max)).ToArray();
        var m = w.Average();
        var sd = Math.Sqrt(w.Sum(v => (v - m) * (v - m)) / (n - 1));
        var total = w.Sum();
        (double Mean, double Se) Weighted(double[] f)
        {
            var mean = Enumerable.Range(0, n).Sum(i => w[i] * f[i]) / total;
            return (mean, Math.Sqrt(Enumerable.Range(0, n).Sum(i => w[i] * w[i] * (f[i] - mean) * (f[i] - mean))) / total);
        }
        var (ma, sa) = Weighted(a);
        var (mb, sb) = Weighted(b);
        // Delta method: se(log Ẑ) = se(mean weight) / mean weight.
        return new IsCheck(max + Math.Log(m), sd / (m * Math.Sqrt(n)), ma, sa, mb, sb);
    }

    public bool Within(double logZ, double meanA, double meanB, double k) =>
        Math.Abs(LogZ - logZ) <= k * LogZSe && Math.Abs(MeanA - meanA) <= k * MeanASe && Math.Abs(MeanB - meanB) <= k * MeanBSe;

    public override string ToString() =>
        $"log Z {LogZ:F4} ± {LogZSe:F4}, mean A {MeanA:F4} ± {MeanASe:F4}, mean B {MeanB:F4} ± {MeanBSe:F4}";
}

/// <summary>A proposal whose Propose and Assess weights are off by <c>delta(choices)</c>: a deliberately wrong density for negative controls.</summary>
internal sealed class DistortedProposal(IGenerativeFunction<Unit, Unit> inner, Func<ChoiceMap, double> delta) : IGenerativeFunction<Unit, Unit>
{
    public string Name => $"distorted({inner.Name})";

    public ParameterStore Parameters => inner.Parameters;

    public ITrace<Unit, Unit> Simulate(Unit args, Rng rng) => inner.Simulate(args, rng);

    public GenerateResult<Unit, Unit> Generate(Unit args, ChoiceMap constraints, Rng rng) => inner.Generate(args, constraints, rng);

    public AssessResult<Unit> Assess(Unit args, ChoiceMap choices) => inner.Assess(args, choices) with { Weight = inner.Assess(args, choices).Weight + delta(choices) };

    public ProposeResult<Unit> Propose(Unit args, Rng rng)
    {
        var p = inner.Propose(args, rng);
        return p with { Weight = p.Weight + delta(p.Choices) };
    }

    public UpdateResult<Unit, Unit> Update(ITrace<Unit, Unit> trace, Unit args, ChoiceMap constraints, Rng rng) => inner.Update(trace, args, constraints, rng);

    public RegenerateResult<Unit, Unit> Regenerate(ITrace<Unit, Unit> trace, Unit args, Selection selection, Rng rng) => inner.Regenerate(trace, args, selection, rng);

    public double Project(ITrace<Unit, Unit> trace, Selection selection) => inner.Project(trace, selection);

    public double Project(ITrace trace, Selection selection) => inner.Project(trace, selection);

    public ChoiceMap ChoiceGradients(ITrace<Unit, Unit> trace, Selection selection) => inner.ChoiceGradients(trace, selection);

    public void AccumulateParameterGradients(ITrace<Unit, Unit> trace, double scale) => inner.AccumulateParameterGradients(trace, scale);
}
