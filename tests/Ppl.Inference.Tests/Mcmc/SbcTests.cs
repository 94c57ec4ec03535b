using Ppl.Autodiff;
using Ppl.Distributions;
using Ppl.Inference.Mcmc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Mcmc;

/// <summary>
/// Simulation-based calibration (Talts et al. 2018) on a small non-centred hierarchical model:
/// μ ~ N(0, 1), τ ~ HalfNormal(1), η_j ~ N(0, 1), θ_j = μ + τ η_j, y_j ~ N(θ_j, 1), J = 4.
/// Each replicate draws (μ, τ, η) from the prior and y from the likelihood, runs a short chain on
/// p(· | y), keeps L thinned draws and records the rank of the true value among them. If the sampler
/// targets the right posterior, each rank is uniform on {0, …, L}; a chi-square test on binned ranks
/// checks that, and a sampler that assumes the wrong likelihood scale fails the same test.
/// Replicates use seeds derived from their index, so results do not depend on thread scheduling.
/// </summary>
public class SbcTests(ITestOutputHelper output)
{
    private const int J = 4;

    /// <summary>Thinned draws per replicate (ranks take L + 1 = 20 values).</summary>
    private const int L = 19;

    /// <summary>Rank bins for the chi-square test: 20 ranks in 10 bins of 2.</summary>
    private const int Bins = 10;

    /// <summary>Per-parameter p-value below which uniformity is rejected (Bonferroni-style over a handful of parameters).</summary>
    private const double Alpha = 1e-3;

    /// <summary>The chi-square test's p-value for ranks in {0, …, L}.</summary>
    private static double UniformityP(IEnumerable<int> ranks) => SbcRanks.Uniformity(ranks, L, Bins).P;

    private static int Rank(double truth, IEnumerable<double> draws, Rng rng) => SbcRanks.Rank(truth, draws, rng);

    /// <summary>Runs <paramref name="replicates"/> replicates in parallel; each returns one rank per parameter.</summary>
    private static int[][] Replicate(int replicates, ulong seed, Func<Rng, int[]> one)
    {
        var ranks = new int[replicates][];
        Parallel.For(0, replicates, i => ranks[i] = one(new Rng(seed * 1_000_003UL + (ulong)i)));
        return ranks;
    }

    private double[] PValues(string label, string[] names, int[][] ranks)
    {
        var p = names.Select((_, k) => UniformityP(ranks.Select(r => r[k]))).ToArray();
        output.WriteLine($"{label}: " + string.Join(", ", names.Select((n, k) => $"{n} p={p[k]:G3}")));
        return p;
    }

    // ---- NUTS on a differentiable density ----

    /// <summary>
    /// One replicate with NUTS on the unconstrained density over (μ, log τ, η): ranks of μ, τ, θ₀.
    /// <paramref name="sigmaAssumed"/> is the likelihood scale the sampler believes (1 is correct).
    /// </summary>
    private static int[] NutsReplicate(Rng rng, double sigmaAssumed) => NutsRanks(rng, y => new AutodiffDensity(2 + J, x =>
    {
        var t = RealMath.Exp(x[1]);
        // log τ is the coordinate, so the Jacobian dτ/d(log τ) = τ adds x[1].
        var lp = RealDensity.Normal(x[0], 0, 1) + RealDensity.HalfNormal(t, 1) + x[1];
        for (var j = 0; j < J; j++)
            lp += RealDensity.Normal(x[2 + j], 0, 1) + RealDensity.Normal(y[j], x[0] + t * x[2 + j], sigmaAssumed);
        return lp;
    }), (_, u) =>
    {
        var t = Math.Exp(u[1]);
        return (u[0], t, u[0] + t * u[2]);
    });

    /// <summary>
    /// Draws (μ, τ, η) from the prior and y from the likelihood, runs NUTS on <paramref name="densityOf"/>(y) from a uniform
    /// start and returns the ranks of μ, τ, θ₀ among L thinned draws (<paramref name="report"/> reads them off a position).
    /// </summary>
    private static int[] NutsRanks<TDensity>(Rng rng, Func<double[], TDensity> densityOf, Func<TDensity, double[], (double Mu, double Tau, double Theta0)> report)
        where TDensity : IDifferentiableDensity
    {
        var mu = rng.NextGaussian();
        var tau = Math.Abs(rng.NextGaussian());
        var eta = new double[J];
        var y = new double[J];
        for (var j = 0; j < J; j++)
        {
            eta[j] = rng.NextGaussian();
            y[j] = mu + tau * eta[j] + rng.NextGaussian();
        }
        var density = densityOf(y);
        const int warmup = 150, thin = 5;
        var kernel = new NutsKernel();
        var init = new double[2 + J];
        for (var k = 0; k < init.Length; k++) init[k] = 4 * rng.NextDouble() - 2;
        var s = kernel.Init(density, init, warmup, rng);
        for (var i = 0; i < warmup; i++) s = kernel.Step(density, s, rng);
        var draws = new List<(double Mu, double Tau, double Theta0)>(L);
        for (var i = 0; i < L * thin; i++)
        {
            s = kernel.Step(density, s, rng);
            if (i % thin == thin - 1) draws.Add(report(density, s.Position));
        }
        return [Rank(mu, draws.Select(d => d.Mu), rng), Rank(tau, draws.Select(d => d.Tau), rng), Rank(mu + tau * eta[0], draws.Select(d => d.Theta0), rng)];
    }

    private static readonly string[] NutsNames = ["mu", "tau", "theta[0]"];

    [Fact]
    public void NutsRanksAreUniform()
    {
        var p = PValues("NUTS", NutsNames, Replicate(500, 11, rng => NutsReplicate(rng, 1)));
        Assert.All(p, pk => Assert.True(pk > Alpha, $"p = {pk}"));
    }

    /// <summary>Negative control: a sampler that assumes likelihood scale 2 (the data have scale 1) is rejected.</summary>
    [Fact]
    public void WrongLikelihoodScaleIsRejected()
    {
        var p = PValues("NUTS, wrong scale", NutsNames, Replicate(500, 11, rng => NutsReplicate(rng, 2)));
        Assert.True(p.Min() < Alpha, $"min p = {p.Min()}");
    }

    // ---- NUTS on the same model written once, as a [Model] method (its generated differentiable form) ----

    /// <summary>
    /// <see cref="NutsReplicate"/> with the density generated from <c>DifferentiableModels.Hierarchical</c>: the same
    /// coordinates (μ, log τ, η), the Jacobian added by the form, no density written by hand.
    /// </summary>
    private static int[] NutsOnModelReplicate(Rng rng, double sigmaAssumed) =>
        NutsRanks(rng, y => ModelDensity.Create(Differentiable.DifferentiableModels.HierarchicalModel, (y, sigmaAssumed), ChoiceMap.Empty), (density, u) =>
        {
            // Constrained values in visit order: mu, tau, eta/0, …
            var x = density.Constrain(u);
            return (x[0], x[1], x[0] + x[1] * x[2]);
        });

    [Fact]
    public void NutsOnAModelRanksAreUniform()
    {
        var p = PValues("NUTS on [Model]", NutsNames, Replicate(500, 13, rng => NutsOnModelReplicate(rng, 1)));
        Assert.All(p, pk => Assert.True(pk > Alpha, $"p = {pk}"));
    }

    /// <summary>
    /// Negative control: the [Model] with likelihood scale 0.5 (the data have scale 1), an overconfident posterior, is
    /// rejected (p = 0 to double precision). A scale that is too wide is a weak control at this size: with 2 (and 3) the
    /// smallest p-value sits near α, and a change in the order of floating-point sums alone moved it across (1.1e-3).
    /// </summary>
    [Fact]
    public void NutsOnAModelWithTheWrongLikelihoodScaleIsRejected()
    {
        var p = PValues("NUTS on [Model], wrong scale", NutsNames, Replicate(500, 13, rng => NutsOnModelReplicate(rng, 0.5)));
        Assert.True(p.Min() < Alpha, $"min p = {p.Min()}");
    }

    // ---- Gibbs on a discrete switch cycled with NUTS on the continuous coordinates (densities over Real) ----

    /// <summary>The chain state of the density-level composition: the switch and NUTS's state over (μ, log τ, η).</summary>
    private sealed record SwitchState(bool Z, GradientState S);

    /// <summary>Gibbs on z by enumeration of its two values at the current continuous position (the uniform prior on z cancels).</summary>
    private sealed class SwitchGibbs(AutodiffDensity[] given) : IKernel<SwitchState>
    {
        public SwitchState Step(SwitchState state, Rng rng)
        {
            var l0 = given[0].LogDensity(state.S.Position);
            var l1 = given[1].LogDensity(state.S.Position);
            return state with { Z = rng.NextDouble() < 1 / (1 + Math.Exp(l0 - l1)) };
        }
    }

    /// <summary>NUTS on the continuous coordinates given z, its adaptation carried across Gibbs moves (the log density and gradient are refreshed because z may have changed).</summary>
    private sealed class NutsGivenSwitch(AutodiffDensity[] given, NutsKernel kernel) : IKernel<SwitchState>
    {
        public SwitchState Step(SwitchState state, Rng rng)
        {
            var d = given[state.Z ? 1 : 0];
            var g = new double[d.Dimension];
            var lp = d.LogDensityAndGradient(state.S.Position, g);
            return state with { S = kernel.Step(d, state.S with { LogDensity = lp, Gradient = g }, rng) };
        }
    }

    /// <summary>The switched model over AD values: ranks of z, μ, τ under <c>Kernel.Cycle(Gibbs, NUTS)</c>.</summary>
    private static int[] GibbsNutsDensityReplicate(Rng rng)
    {
        var z = rng.NextDouble() < 0.5;
        var mu = rng.NextGaussian();
        var tau = Math.Abs(rng.NextGaussian());
        var y = new double[J];
        for (var j = 0; j < J; j++) y[j] = mu + tau * rng.NextGaussian() + (z ? 2 : 0) + rng.NextGaussian();
        var given = new[] { 0.0, 2.0 }.Select(shift => new AutodiffDensity(2 + J, x =>
        {
            var t = RealMath.Exp(x[1]);
            var lp = RealDensity.Normal(x[0], 0, 1) + RealDensity.HalfNormal(t, 1) + x[1];
            for (var j = 0; j < J; j++)
                lp += RealDensity.Normal(x[2 + j], 0, 1) + RealDensity.Normal(y[j], x[0] + t * x[2 + j] + shift, 1);
            return lp;
        })).ToArray();
        const int warmup = 150, thin = 5;
        var nuts = new NutsKernel();
        var init = new double[2 + J];
        for (var k = 0; k < init.Length; k++) init[k] = 4 * rng.NextDouble() - 2;
        var z0 = rng.NextDouble() < 0.5;
        var state = new SwitchState(z0, nuts.Init(given[z0 ? 1 : 0], init, warmup, rng));
        var kernel = Kernel.Cycle<SwitchState>(new SwitchGibbs(given), new NutsGivenSwitch(given, nuts));
        for (var i = 0; i < warmup; i++) state = kernel.Step(state, rng);
        var draws = new List<(double Z, double Mu, double Tau)>(L);
        for (var i = 0; i < L * thin; i++)
        {
            state = kernel.Step(state, rng);
            if (i % thin == thin - 1) draws.Add((state.Z ? 1 : 0, state.S.Position[0], Math.Exp(state.S.Position[1])));
        }
        return [Rank(z ? 1 : 0, draws.Select(d => d.Z), rng), Rank(mu, draws.Select(d => d.Mu), rng), Rank(tau, draws.Select(d => d.Tau), rng)];
    }

    [Fact]
    public void GibbsPlusNutsRanksAreUniform()
    {
        var p = PValues("Gibbs+NUTS", ["z", "mu", "tau"], Replicate(500, 12, GibbsNutsDensityReplicate));
        Assert.All(p, pk => Assert.True(pk > Alpha, $"p = {pk}"));
    }

    // ---- The same composition through traces: Gibbs on a discrete choice and NUTS on the continuous choices of a dynamic model ----

    /// <summary>Groups in the trace-level model: few, because the trace density's gradient is numerical (4 Assess calls per coordinate).</summary>
    private const int TraceJ = 2;

    /// <summary>The shift a switched-on z adds to every observation: small enough that z and μ are not confounded into a sticky chain.</summary>
    private const double TraceShift = 1.0;

    private static readonly Address[] TraceEta = Enumerable.Range(0, TraceJ).Select(j => (Address)$"eta{j}").ToArray();
    private static readonly Address[] TraceY = Enumerable.Range(0, TraceJ).Select(j => (Address)$"y{j}").ToArray();

    /// <summary>
    /// z ~ Bernoulli(½), μ ~ N(0, 1), τ ~ HalfNormal(1), ηⱼ ~ N(0, 1), yⱼ ~ N(μ + τ ηⱼ + z·shift, σ²), with
    /// the likelihood scale σ as the argument (1 is the truth; the negative control infers with ⅓).
    /// </summary>
    private static readonly DynamicModel<double, double> Switched = DynamicModel.Create<double, double>("sbc-trace", (t, sigma) =>
    {
        var z = t.Sample("z", new Bernoulli(0.5));
        var mu = t.Sample("mu", new Normal(0, 1));
        var tau = t.Sample("tau", new HalfNormal(1));
        for (var j = 0; j < TraceJ; j++)
        {
            var eta = t.Sample(TraceEta[j], new Normal(0, 1));
            t.Sample(TraceY[j], new Normal(mu + tau * eta + (z ? TraceShift : 0), sigma));
        }
        return mu;
    });

    /// <summary>
    /// One replicate: the truth and data by simulating the model (σ = 1); the posterior given σ =
    /// <paramref name="sigmaAssumed"/> sampled by <c>Kernel.Cycle(Kernel.Gibbs("z"), Kernel.On(continuous, NUTS))</c>
    /// over traces; ranks of z, μ, τ among L thinned draws.
    /// </summary>
    private static int[] TraceReplicate(Rng rng, double sigmaAssumed)
    {
        var truth = Switched.Simulate(1.0, rng);
        var observations = ChoiceMap.Empty;
        foreach (var a in TraceY) observations = observations.Set(a, truth.Get<double>(a));
        const int warmup = 60, thin = 2;
        var continuous = Selection.At([(Address)"mu", "tau", .. TraceEta]);
        var kernel = Kernel.Cycle(Kernel.Gibbs<double, double>("z"), Kernel.On<double, double>(continuous, new NutsKernel(), warmup));
        var state = new TraceState<double, double>(Switched.Generate(sigmaAssumed, observations, rng).Trace);
        for (var i = 0; i < warmup; i++) state = kernel.Step(state, rng);
        var draws = new List<(double Z, double Mu, double Tau)>(L);
        for (var i = 0; i < L * thin; i++)
        {
            state = kernel.Step(state, rng);
            if (i % thin == thin - 1)
                draws.Add((state.Trace.Get<bool>("z") ? 1 : 0, state.Trace.Get<double>("mu"), state.Trace.Get<double>("tau")));
        }
        return
        [
            Rank(truth.Get<bool>("z") ? 1 : 0, draws.Select(d => d.Z), rng),
            Rank(truth.Get<double>("mu"), draws.Select(d => d.Mu), rng),
            Rank(truth.Get<double>("tau"), draws.Select(d => d.Tau), rng),
        ];
    }

    /// <summary>Replicates of the uniformity test; the negative control fails by a wide margin with fewer.</summary>
    private const int TraceReplicates = 160, TraceControlReplicates = 80;

    /// <summary>The library's trace kernels composed as one kernel through the trace: ranks uniform.</summary>
    [Fact]
    public void GibbsPlusNutsOnTracesRanksAreUniform()
    {
        var p = PValues("Gibbs+NUTS on traces", ["z", "mu", "tau"], Replicate(TraceReplicates, 21, rng => TraceReplicate(rng, 1.0)));
        Assert.All(p, pk => Assert.True(pk > Alpha, $"p = {pk}"));
    }

    /// <summary>
    /// Negative control: the same kernels on a model that assumes likelihood scale ⅓ (the data have scale
    /// 1) give too narrow posteriors, and the ranks pile up at the ends.
    /// </summary>
    [Fact]
    public void GibbsPlusNutsOnTracesWithTheWrongScaleIsRejected()
    {
        var p = PValues("Gibbs+NUTS on traces, wrong scale", ["z", "mu", "tau"], Replicate(TraceControlReplicates, 21, rng => TraceReplicate(rng, 1.0 / 3)));
        Assert.True(p.Min() < Alpha, $"min p = {p.Min()}");
    }
}
