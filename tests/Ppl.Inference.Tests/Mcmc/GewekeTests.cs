using Ppl.Distributions;
using Ppl.Inference.Mcmc;
using Ppl.Modeling;
using Xunit;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Mcmc;

/// <summary>
/// Geweke's (2004) joint-distribution test by successive-conditional simulation: alternately draw the
/// data y from p(y | θ) and move θ with the kernel under test given y. If the kernel leaves p(θ | y)
/// invariant, (θ, y) keeps the joint prior distribution, so moments of θ and y match their exact
/// prior values; a kernel with a wrong acceptance ratio drifts away.
/// Model: θ ~ N(0, 1), y ~ N(θ, 1) (E θ = 0, E θ² = 1, E θy = 1); for Gibbs, z ~ Bernoulli(0.3), y ~ N(2z, 1).
/// </summary>
public class GewekeTests
{
    private const int Steps = 6000;

    private static readonly DynamicModel<int, double> Joint = DynamicModel.Create<int, double>("geweke", (t, _) =>
    {
        var theta = t.Sample("theta", new Normal(0, 1));
        return t.Sample("y", new Normal(theta, 1));
    });

    private static readonly DynamicModel<double, double> Walk = DynamicModel.Create<double, double>("walk", (t, m) => t.Sample("theta", new Normal(m, 1.5)));

    private static readonly (Func<double[], double>, double)[] Moments =
        [MomentCheck.M(x => x[0], 0), MomentCheck.M(x => x[0] * x[0], 1), MomentCheck.M(x => x[0] * x[1], 1)];

    /// <summary>The joint as the dynamic model or as the [Model] <see cref="GewekeModels.Joint"/>.</summary>
    private static IGenerativeFunction<int, double> JointOf(string form) => form == "model" ? GewekeModels.JointModel : Joint;

    public static TheoryData<string> Forms => new() { "dynamic", "model" };

    private static double TraceGeweke(IKernel<TraceState<int, double>> kernel, ulong seed, string form = "dynamic")
    {
        // Regenerating y (a leaf) from its prior is an exact Gibbs step for y, so the cycle is the successive-conditional simulator.
        var cycle = Kernel.Cycle(Kernel.Mh<int, double>(Selection.At("y")), kernel);
        var r = McmcSampler.Sample(JointOf(form), 0, ChoiceMap.Empty, cycle, new McmcSettings { Chains = 4, Warmup = 100, Draws = Steps, Init = InitStrategy.Prior() },
            new Rng(seed), ["theta", "y"], t => [t.Get<double>("theta"), t.Get<double>("y")]);
        return MomentCheck.MaxZ(r, Moments);
    }

    private static double GradientGeweke(IGradientKernel kernel, ulong seed)
    {
        var rng = new Rng(seed);
        var draws = new double[4][][];
        for (var c = 0; c < 4; c++)
        {
            var y = 0.0;
            var density = new AutodiffDensity(1, x => Ppl.Autodiff.RealDensity.Normal(x[0], 0, 1) + Ppl.Autodiff.RealDensity.Normal(y, x[0], 1));
            var theta = rng.NextGaussian();
            y = theta + rng.NextGaussian();
            var state = kernel.Init(density, [theta], 0, rng) with { StepSize = 0.9 };
            draws[c] = new double[Steps][];
            for (var i = 0; i < Steps; i++)
            {
                y = state.Position[0] + rng.NextGaussian();
                var g = new double[1];
                var lp = density.LogDensityAndGradient(state.Position, g);
                state = kernel.Step(density, state with { LogDensity = lp, Gradient = g }, rng);
                draws[c][i] = [state.Position[0], y];
            }
        }
        var r = new McmcResult(["theta", "y"], draws, draws.Select(d => new TransitionStats[d.Length]).ToArray(), draws.Select(d => new double[d.Length]).ToArray(), default, default);
        return MomentCheck.MaxZ(r, Moments);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void MetropolisHastingsPasses(string form) => Assert.True(TraceGeweke(Kernel.Mh<int, double>(Selection.At("theta")), 1, form) < 5);

    [Theory]
    [MemberData(nameof(Forms))]
    public void CustomProposalMhPasses(string form) => Assert.True(TraceGeweke(new CustomProposalMh<int, double, double, double>(Walk, t => t.Get<double>("theta")), 2, form) < 5);

    [Theory]
    [MemberData(nameof(Forms))]
    public void EllipticalSlicePasses(string form) => Assert.True(TraceGeweke(Kernel.EllipticalSlice<int, double>("theta"), 3, form) < 5);

    [Fact]
    public void HmcPasses() => Assert.True(GradientGeweke(new HmcKernel(3), 4) < 5);

    [Fact]
    public void MalaPasses() => Assert.True(GradientGeweke(new MalaKernel(), 5) < 5);

    [Fact]
    public void NutsPasses() => Assert.True(GradientGeweke(new NutsKernel(), 6) < 5);

    [Fact]
    public void GibbsPasses()
    {
        var model = DynamicModel.Create<int, double>("geweke-z", (t, _) =>
        {
            var z = t.Sample("z", new Bernoulli(0.3));
            return t.Sample("y", new Normal(z ? 2 : 0, 1));
        });
        var cycle = Kernel.Cycle(Kernel.Mh<int, double>(Selection.At("y")), Kernel.Gibbs<int, double>("z"));
        var r = McmcSampler.Sample(model, 0, ChoiceMap.Empty, cycle, new McmcSettings { Chains = 4, Warmup = 100, Draws = Steps, Init = InitStrategy.Prior() },
            new Rng(7), ["z", "y"], t => [t.Get<bool>("z") ? 1 : 0, t.Get<double>("y")]);
        MomentCheck.AssertMatches(r, 5, MomentCheck.M(x => x[0], 0.3), MomentCheck.M(x => x[0] * x[1], 0.3 * 2));
    }

    /// <summary>Negative control: random-walk MH whose acceptance ratio counts the prior twice fails.</summary>
    [Theory]
    [MemberData(nameof(Forms))]
    public void BrokenAcceptanceRatioFails(string form)
    {
        var z = TraceGeweke(new PriorTwiceMh(), 1, form);
        Assert.True(z > 5, $"max |z| = {z}");
    }

    private sealed class PriorTwiceMh : IKernel<TraceState<int, double>>
    {
        public TraceState<int, double> Step(TraceState<int, double> state, Rng rng)
        {
            var t = state.Trace;
            var theta = t.Get<double>("theta");
            var proposed = theta + 1.5 * rng.NextGaussian();
            var (nt, _, _) = t.GenerativeFunction.Update(t, t.Args, ChoiceMap.Empty.Set("theta", proposed), rng);
            var y = t.Get<double>("y");
            var logRatio = new Normal(proposed, 1).LogDensity(y) - new Normal(theta, 1).LogDensity(y)
                           + 2 * (new Normal(0, 1).LogDensity(proposed) - new Normal(0, 1).LogDensity(theta));
            return Math.Log(rng.NextOpenDouble()) < logRatio ? state with { Trace = nt } : state;
        }
    }
}

/// <summary>The Geweke joint written once as a [Model]: θ ~ N(0, 1), y ~ N(θ, 1), both choices (y is redrawn by the test).</summary>
public static partial class GewekeModels
{
    /// <summary>θ ~ N(0, 1), y ~ N(θ, 1); returns y (the argument is unused: the tests share the dynamic model's signature).</summary>
    [Model]
    public static double Joint(int unused)
    {
        var theta = Sample(Normal(0, 1), "theta");
        return Sample(Normal(theta, 1), "y");
    }
}
