using Ppl.Distributions;
using Ppl.Inference.Mcmc;
using Xunit;

namespace Ppl.Inference.Tests.Mcmc;

public class TraceKernelTests
{
    private static readonly Address Mu = "mu";

    /// <summary>A Gaussian random-walk proposal at the model's address, for custom-proposal MH.</summary>
    private static readonly DynamicModel<double, double> RandomWalk = DynamicModel.Create<double, double>("walk", (t, mu) => t.Sample("mu", new Normal(mu, 0.8)));

    private static readonly DynamicModel<int, bool> Mixture = DynamicModel.Create<int, bool>("z-mu", (t, _) =>
    {
        var z = t.Sample("z", new Bernoulli(0.3));
        var mu = t.Sample("mu", new Normal(0, 1));
        t.Sample("y", new Normal(mu + (z ? 2 : 0), 1));
        return z;
    });

    public static TheoryData<string> Kernels => new() { "mh", "custom-mh", "elliptical-slice", "nuts-on-selection", "mala-on-selection", "cycle", "mixture" };

    /// <summary>The kernel named <paramref name="name"/> on mu (shared with the same checks on a [Model], TraceKernelsOnModelsTests).</summary>
    internal static IKernel<TraceState<int, double>> Make(string name) => name switch
    {
        "mh" => Kernel.Mh<int, double>(Selection.At(Mu)),
        "custom-mh" => new CustomProposalMh<int, double, double, double>(RandomWalk, t => t.Get<double>(Mu)),
        "elliptical-slice" => Kernel.EllipticalSlice<int, double>(Mu),
        "nuts-on-selection" => Kernel.On<int, double>(Selection.At(Mu), new NutsKernel(), 200),
        "mala-on-selection" => Kernel.On<int, double>(Selection.At(Mu), new MalaKernel(), 200),
        "cycle" => Kernel.Cycle(Kernel.Mh<int, double>(Selection.At(Mu)), Kernel.EllipticalSlice<int, double>(Mu)),
        "mixture" => Kernel.Mixture([1, 2], Kernel.Mh<int, double>(Selection.At(Mu)), Kernel.Repeat(Kernel.EllipticalSlice<int, double>(Mu), 2)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ConjugateNormalPosteriorMoments(string kernel)
    {
        var (m, v) = ConjugateNormal.Posterior;
        var r = McmcSampler.Sample(ConjugateNormal.Model, 3, ConjugateNormal.Observations, Make(kernel),
            new McmcSettings { Chains = 4, Warmup = 200, Draws = kernel.Contains("selection") ? 400 : 2000 }, new Rng(21), ["mu"], t => [t.Get<double>(Mu)]);
        MomentCheck.AssertMatches(r, 5, MomentCheck.M(x => x[0], m), MomentCheck.M(x => (x[0] - m) * (x[0] - m), v));
    }

    /// <summary>
    /// The exact P(z = 1 | y) and E[mu | y] of z ~ Bernoulli(0.3), mu ~ N(0, 1), y ~ N(mu + 2z, 1): y | z ~ N(2z, √2) after
    /// integrating mu out, and mu | z, y ~ N((y − 2z)/2, 1/2).
    /// </summary>
    internal static (double Pz, double EMu) SwitchPosterior(double y)
    {
        var w1 = 0.3 * MathNet.Numerics.Distributions.Normal.PDF(2, Math.Sqrt(2), y);
        var w0 = 0.7 * MathNet.Numerics.Distributions.Normal.PDF(0, Math.Sqrt(2), y);
        var pz = w1 / (w0 + w1);
        return (pz, pz * (y - 2) / 2 + (1 - pz) * y / 2);
    }

    /// <summary>Gibbs on the discrete z cycled with NUTS on mu: P(z | y) and E[mu | y] are exact by conjugacy.</summary>
    [Fact]
    public void GibbsPlusNutsMatchesTheExactPosterior()
    {
        const double y = 3;
        var (pz, eMu) = SwitchPosterior(y);
        var kernel = Kernel.Cycle(Kernel.Gibbs<int, bool>("z"), Kernel.On<int, bool>(Selection.At(Mu), new NutsKernel(), 200));
        var r = McmcSampler.Sample(Mixture, 0, ChoiceMap.Empty.Set("y", y), kernel, new McmcSettings { Chains = 4, Warmup = 200, Draws = 500 },
            new Rng(8), ["z", "mu"], t => [t.Get<bool>("z") ? 1 : 0, t.Get<double>(Mu)]);
        MomentCheck.AssertMatches(r, 5, MomentCheck.M(x => x[0], pz), MomentCheck.M(x => x[1], eMu));
        // Negative control: the prior probability of z is not the posterior one, and the check sees it.
        var zPrior = Math.Abs(MomentCheck.Z(r, x => x[0], 0.3));
        Assert.True(zPrior > 5, $"|z| against the prior = {zPrior}");
    }

    [Fact]
    public void PriorAndUserInitialisationsStartWhereAsked()
    {
        var user = McmcSampler.Sample(ConjugateNormal.Model, 3, ConjugateNormal.Observations, Kernel.Repeat(Kernel.Mh<int, double>(Selection.None), 1),
            new McmcSettings { Chains = 2, Warmup = 0, Draws = 1, Init = InitStrategy.Choices(ChoiceMap.Empty.Set(Mu, 7.5)) }, new Rng(1), ["mu"], t => [t.Get<double>(Mu)]);
        Assert.All(user.Draws, c => Assert.Equal(7.5, c[0][0]));
        var uniform = McmcSampler.Sample(ConjugateNormal.Model, 3, ConjugateNormal.Observations, Kernel.Mh<int, double>(Selection.None),
            new McmcSettings { Chains = 8, Warmup = 0, Draws = 1 }, new Rng(1), ["mu"], t => [t.Get<double>(Mu)]);
        Assert.All(uniform.Draws, c => Assert.InRange(c[0][0], -2, 2));
    }

    // ---- Trace kernels on a correlated 2-D Gaussian posterior and on a funnel ----

    /// <summary>x₀, x₁ ~ N(0, 1), y ~ N(x₀ + x₁, ½²): the posterior is Gaussian with correlation −0.8.</summary>
    private static readonly DynamicModel<int, double> Correlated = DynamicModel.Create<int, double>("corr-2d", (t, _) =>
    {
        var x0 = t.Sample("x0", new Normal(0, 1));
        var x1 = t.Sample("x1", new Normal(0, 1));
        return t.Sample("y", new Normal(x0 + x1, 0.5));
    });

    /// <summary>v ~ N(0, 1), x ~ N(0, e^{v/2}): E v = 0, E v² = 1, E x² = E e^v = e^{1/2}.</summary>
    private static readonly DynamicModel<int, double> Funnel = DynamicModel.Create<int, double>("funnel", (t, _) =>
    {
        var v = t.Sample("v", new Normal(0, 1));
        return t.Sample("x", new Normal(0, Math.Exp(v / 2)));
    });

    /// <summary>A joint Gaussian random walk at two addresses, for custom-proposal MH.</summary>
    private static readonly DynamicModel<(Address A, double Ax, Address B, double Bx), int> Walk2 =
        DynamicModel.Create<(Address A, double Ax, Address B, double Bx), int>("walk-2", (t, a) =>
        {
            t.Sample(a.A, new Normal(a.Ax, 0.6));
            t.Sample(a.B, new Normal(a.Bx, 0.6));
            return 0;
        });

    public static TheoryData<string> PairKernels => new() { "mh", "custom-mh", "elliptical-slice", "mixture" };

    private static IKernel<TraceState<int, double>> MakePair(string name, Address a, Address b) => name switch
    {
        "mh" => Kernel.Cycle(Kernel.Mh<int, double>(Selection.At(a)), Kernel.Mh<int, double>(Selection.At(b))),
        "custom-mh" => new CustomProposalMh<int, double, (Address, double, Address, double), int>(Walk2, t => (a, t.Get<double>(a), b, t.Get<double>(b))),
        "elliptical-slice" => Kernel.Cycle(Kernel.EllipticalSlice<int, double>(a), Kernel.EllipticalSlice<int, double>(b)),
        "mixture" => Kernel.Mixture([1, 1], Kernel.Mh<int, double>(Selection.At(a)), Kernel.EllipticalSlice<int, double>(a, b)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(PairKernels))]
    public void CorrelatedGaussianMoments(string kernel)
    {
        const double y = 1.5;
        // Posterior covariance (I + 4aaᵀ)⁻¹ = I − (4/9) aaᵀ for a = (1, 1); mean 4y/9 in each coordinate.
        const double m = 4 * y / 9, v = 5.0 / 9, c = -4.0 / 9;
        var r = McmcSampler.Sample(Correlated, 0, ChoiceMap.Empty.Set("y", y), MakePair(kernel, "x0", "x1"),
            new McmcSettings { Chains = 4, Warmup = 200, Draws = kernel is "mh" or "custom-mh" ? 8000 : 1500 }, new Rng(31), ["x0", "x1"], t => [t.Get<double>("x0"), t.Get<double>("x1")]);
        MomentCheck.AssertMatches(r, 5, MomentCheck.M(x => x[0], m), MomentCheck.M(x => x[1], m),
            MomentCheck.M(x => (x[0] - m) * (x[0] - m), v), MomentCheck.M(x => (x[1] - m) * (x[1] - m), v), MomentCheck.M(x => (x[0] - m) * (x[1] - m), c));
        // Negative control: the same draws do not have independent coordinates.
        Assert.True(Math.Abs(MomentCheck.Z(r, x => (x[0] - m) * (x[1] - m), 0)) > 5);
    }

    [Theory]
    [MemberData(nameof(PairKernels))]
    public void FunnelMarginals(string kernel)
    {
        var r = McmcSampler.Sample(Funnel, 0, ChoiceMap.Empty, MakePair(kernel, "v", "x"),
            new McmcSettings { Chains = 4, Warmup = 200, Draws = 2500 }, new Rng(32), ["v", "x"], t => [t.Get<double>("v"), t.Get<double>("x")]);
        MomentCheck.AssertMatches(r, 5, MomentCheck.M(x => x[0], 0), MomentCheck.M(x => x[0] * x[0], 1), MomentCheck.M(x => x[1] * x[1], Math.Exp(0.5)));
    }
}
