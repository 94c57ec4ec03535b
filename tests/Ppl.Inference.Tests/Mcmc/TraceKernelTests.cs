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

    private static IKernel<TraceState<int, double>> Make(string name) => name switch
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
        var z = MomentCheck.MaxZ(r, MomentCheck.M(x => x[0], m), MomentCheck.M(x => (x[0] - m) * (x[0] - m), v));
        Assert.True(z < 5, $"max |z| = {z}");
    }

    /// <summary>Gibbs on the discrete z cycled with NUTS on mu: P(z | y) and E[mu | y] are exact by conjugacy.</summary>
    [Fact]
    public void GibbsPlusNutsMatchesTheExactPosterior()
    {
        const double y = 3;
        // y | z ~ N(2z, √2) after integrating mu out; mu | z, y ~ N((y − 2z)/2, 1/2).
        var w1 = 0.3 * MathNet.Numerics.Distributions.Normal.PDF(2, Math.Sqrt(2), y);
        var w0 = 0.7 * MathNet.Numerics.Distributions.Normal.PDF(0, Math.Sqrt(2), y);
        var pz = w1 / (w0 + w1);
        var eMu = pz * (y - 2) / 2 + (1 - pz) * y / 2;
        var kernel = Kernel.Cycle(Kernel.Gibbs<int, bool>("z"), Kernel.On<int, bool>(Selection.At(Mu), new NutsKernel(), 200));
        var r = McmcSampler.Sample(Mixture, 0, ChoiceMap.Empty.Set("y", y), kernel, new McmcSettings { Chains = 4, Warmup = 200, Draws = 500 },
            new Rng(8), ["z", "mu"], t => [t.Get<bool>("z") ? 1 : 0, t.Get<double>(Mu)]);
        var z = MomentCheck.MaxZ(r, MomentCheck.M(x => x[0], pz), MomentCheck.M(x => x[1], eMu));
        Assert.True(z < 5, $"max |z| = {z}, P(z|y) = {pz}, E mu = {eMu}, got {r.Draws.SelectMany(c => c).Average(d => d[0])}, {r.Draws.SelectMany(c => c).Average(d => d[1])}");
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
}
