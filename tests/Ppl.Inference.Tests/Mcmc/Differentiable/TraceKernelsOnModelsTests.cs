using Ppl.Inference.Mcmc;
using Xunit;
using M = Ppl.Inference.Tests.Mcmc.Differentiable.DifferentiableModels;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// The trace kernels on generated [Model] functions (the same checks as <see cref="TraceKernelTests"/> on dynamic
/// models): gradient kernels on a selection through the model's differentiable form, Gibbs and elliptical slice
/// reading the sites' distributions from it, and their composition.
/// </summary>
public class TraceKernelsOnModelsTests
{
    private static readonly Address Mu = "mu";

    public static TheoryData<string> Kernels => new() { "nuts-on-selection", "mala-on-selection", "elliptical-slice", "cycle" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ConjugateNormalPosteriorMoments(string kernel)
    {
        var (m, v) = ConjugateNormal.Posterior;
        var r = McmcSampler.Sample(M.ConjugateNormalModel, 3, ConjugateNormal.Observations, TraceKernelTests.Make(kernel),
            new McmcSettings { Chains = 4, Warmup = 200, Draws = kernel.Contains("selection") ? 400 : 2000 }, new Rng(21), ["mu"], t => [t.Get<double>(Mu)]);
        MomentCheck.AssertMatches(r, 5, MomentCheck.M(x => x[0], m), MomentCheck.M(x => (x[0] - m) * (x[0] - m), v));
    }

    /// <summary>Gibbs on the discrete z cycled with NUTS on mu, on a [Model]: P(z | y) and E[mu | y] are exact by conjugacy.</summary>
    [Fact]
    public void GibbsPlusNutsMatchesTheExactPosterior()
    {
        const double y = 3;
        var (pz, eMu) = TraceKernelTests.SwitchPosterior(y);
        var kernel = Kernel.Cycle(Kernel.Gibbs<Unit, bool>("z"), Kernel.On<Unit, bool>(Selection.At(Mu), new NutsKernel(), 200));
        var r = McmcSampler.Sample(M.ZMuModel, default, ChoiceMap.Empty.Set("y", y), kernel, new McmcSettings { Chains = 4, Warmup = 200, Draws = 500 },
            new Rng(8), ["z", "mu"], t => [t.Get<bool>("z") ? 1 : 0, t.Get<double>(Mu)]);
        MomentCheck.AssertMatches(r, 5, MomentCheck.M(x => x[0], pz), MomentCheck.M(x => x[1], eMu));
        // Negative control: the prior probability of z is not the posterior one, and the check sees it.
        Assert.True(Math.Abs(MomentCheck.Z(r, x => x[0], 0.3)) > 5);
    }

    [Fact]
    public void A_misspelled_address_names_the_closest_one()
    {
        var trace = M.ZMuModel.Generate(default, ChoiceMap.Empty.Set("y", 1.0), new Rng(1)).Trace;
        var e = Assert.Throws<ArgumentException>(() => Kernel.Gibbs<Unit, bool>("zz").Step(new TraceState<Unit, bool>(trace), new Rng(2)));
        Assert.Contains("'zz'", e.Message);
        Assert.Contains("'z'", e.Message);
    }
}
