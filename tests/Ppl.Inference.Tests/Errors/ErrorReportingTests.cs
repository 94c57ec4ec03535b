using Ppl.Autodiff;
using Ppl.Distributions;
using Ppl.Inference.Diagnostics;
using Ppl.Inference.Importance;
using Ppl.Inference.Mcmc;
using Ppl.Inference.Smc;
using Ppl.Inference.Tests.Mcmc;
using Ppl.Inference.Tests.Mcmc.Differentiable;
using Ppl.Modeling;
using Xunit;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Errors;

/// <summary>[Model]s whose own code fails, for the error-reporting tests.</summary>
public static partial class ErrorModels
{
    #pragma warning disable PPL0011 // throws on a random value on purpose (the error-reporting tests need it); no batched form
    /// <summary>μ ~ N(0, 1); the model's code throws when μ is above <paramref name="limit"/>, then y ~ N(μ, 1).</summary>
    [Model]
    public static double Fragile(double limit)
    {
        var mu = Sample(Normal(0, 1));
        if (mu > limit) throw new InvalidOperationException($"mu = {mu} is above {limit}");
        _ = Sample(Normal(mu, 1), "y");
        return mu;
    }
    #pragma warning restore PPL0011
}

/// <summary>
/// Errors say what happened, where, and in which chain or particle: parallel runs rethrow one error
/// unwrapped, the model's own exceptions are wrapped once with the address and the operation, misspelled
/// selections are errors naming the closest address, bad hand-written densities get a message naming the cause,
/// and a point outside the model's domain met during a trajectory is a divergent transition, not the end of the run.
/// </summary>
public class ErrorReportingTests
{
    private static readonly McmcSettings Short = new() { Chains = 4, Warmup = 50, Draws = 50 };

    [Fact]
    public void A_model_exception_in_one_particle_is_rethrown_unwrapped_with_the_particle_address_and_operation()
    {
        var e = Assert.Throws<ModelCodeException>(() => ImportanceSampling.Run(ErrorModels.FragileModel, 1.0, ChoiceMap.Empty.Set("y", 0.0), 2000, new Rng(3)));
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.NotNull(e.Particle);
        Assert.Equal(new Address("mu"), e.Address);
        Assert.Equal("Generate", e.Operation);
        Assert.Contains("'mu'", e.Message);
        Assert.Contains($"(particle {e.Particle})", e.Message);
        Assert.Contains("is above 1", e.Message);
    }

    [Fact]
    public void A_streaming_run_names_the_particle_that_failed()
    {
        // Blocks of 1024 particles run in parallel; the error still names its particle, not its block.
        var e = Assert.Throws<ModelCodeException>(() => ImportanceSampling.Stream(ErrorModels.FragileModel, 3.5, ChoiceMap.Empty, 100_000, new Rng(3)));
        Assert.NotNull(e.Particle);
        Assert.Contains($"(particle {e.Particle})", e.Message);
        Assert.True(e.Particle >= 0 && e.Particle < 100_000);
    }

    [Fact]
    public void The_same_error_is_reported_sequentially_and_in_parallel()
    {
        // The lowest failing particle's error is the one reported, so the thread count does not change it.
        var parallel = Assert.Throws<ModelCodeException>(() => ImportanceSampling.Run(ErrorModels.FragileModel, 1.0, ChoiceMap.Empty, 500, new Rng(5)));
        var sequential = Assert.Throws<ModelCodeException>(() =>
            ImportanceSampling.Run(ErrorModels.FragileModel, 1.0, ChoiceMap.Empty, 500, new Rng(5), new RunOptions { MaxDegreeOfParallelism = 1 }));
        Assert.Equal(sequential.Particle, parallel.Particle);
        Assert.Equal(sequential.Message, parallel.Message);
    }

    [Fact]
    public void A_NaN_observation_is_an_error_naming_its_address_before_any_chain_starts()
    {
        var observations = ChoiceMap.Empty.Set(new Address("y", 0), 0.5).Set(new Address("y", 1), double.NaN);
        var args = (new[] { 0.5, double.NaN }, 0.0, 1.0, 1.0);
        var e = Assert.Throws<ModelException>(() => McmcSampler.Sample(DifferentiableModels.NormalMeanModel, args, observations,
            Kernel.Mh<(double[], double, double, double), double>(Selection.At("mu")), Short, new Rng(1), ["mu"], t => [t.Choices.Get<double>("mu")]));
        Assert.Equal(new Address("y", 1), e.Address);
        Assert.Contains("NaN", e.Message);
        var nuts = Assert.Throws<ModelException>(() => McmcSampler.Sample(DifferentiableModels.NormalMeanModel, args, observations, new NutsKernel(), Short, new Rng(1)));
        Assert.Equal(new Address("y", 1), nuts.Address);
        var importance = Assert.Throws<ModelException>(() => ImportanceSampling.Run(DifferentiableModels.NormalMeanModel, args, observations, 10, new Rng(1)));
        Assert.Equal(new Address("y", 1), importance.Address);
    }

    [Fact]
    public void An_error_in_every_chain_is_rethrown_once_unwrapped_naming_the_first_chain()
    {
        // The model's code throws at every run (μ is always above −100): all four chains fail at their first trace.
        var e = Assert.Throws<ModelCodeException>(() => McmcSampler.Sample(ErrorModels.FragileModel, -100.0, ChoiceMap.Empty.Set("y", 0.0),
            Kernel.Mh<double, double>(Selection.At("mu")), Short, new Rng(1), ["mu"], t => [t.Choices.Get<double>("mu")]));
        Assert.Equal(0, e.Chain);
        Assert.Contains("(chain 0)", e.Message);
        Assert.Equal(new Address("mu"), e.Address);
    }

    [Fact]
    public void An_error_in_an_smc_particle_is_rethrown_unwrapped()
    {
        var model = DynamicModel.Create<int, double>("steps", (t, n) =>
        {
            var x = 0.0;
            for (var i = 0; i < n; i++)
            {
                x = t.Sample(new Address("x", i), new Normal(x, 1));
                if (x > 3) throw new ArgumentOutOfRangeException(nameof(x), $"x = {x}");
                t.Observe(new Address("y", i), new Normal(x, 1), 0.0);
            }
            return x;
        });
        var e = Assert.Throws<ModelCodeException>(() => BootstrapSmc.Run(model, 30, 200, new Rng(2)));
        Assert.NotNull(e.Particle);
        Assert.IsType<ArgumentOutOfRangeException>(e.InnerException);
        Assert.StartsWith("x/", e.Address!.Value.ToString());
    }

    [Fact]
    public void A_misspelled_selection_is_an_error_naming_the_closest_address()
    {
        var args = (new[] { 0.5, 1.0 }, 0.0, 1.0, 1.0);
        var obs = ChoiceMap.Empty.Set(new Address("y", 0), 0.5).Set(new Address("y", 1), 1.0);
        var mh = Assert.Throws<UnknownAddressException>(() => McmcSampler.Sample(DifferentiableModels.NormalMeanModel, args, obs,
            Kernel.Mh<(double[], double, double, double), double>(Selection.At("muu")), Short, new Rng(1), ["mu"], t => [t.Choices.Get<double>("mu")]));
        Assert.Equal(new Address("mu"), mh.Closest);
        Assert.Contains("'muu'", mh.Message);
        Assert.Contains("Kernel.Mh", mh.Message);
        var nuts = Assert.Throws<UnknownAddressException>(() => McmcSampler.Sample(DifferentiableModels.NormalMeanModel, args, obs,
            Kernel.On<(double[], double, double, double), double>(Selection.At("muu"), new NutsKernel(), 50), Short, new Rng(1), ["mu"], t => [t.Choices.Get<double>("mu")]));
        Assert.Equal(new Address("mu"), nuts.Closest);
        // The correct spelling runs (the positive control of the same call).
        var ok = McmcSampler.Sample(DifferentiableModels.NormalMeanModel, args, obs,
            Kernel.Mh<(double[], double, double, double), double>(Selection.At("mu")), Short, new Rng(1), ["mu"], t => [t.Choices.Get<double>("mu")]);
        Assert.True(ok.Draws.All(c => c.Select(d => d[0]).Distinct().Count() > 1), "a chain on 'mu' never moved");
    }

    [Fact]
    public void An_address_present_only_in_some_traces_is_not_a_misspelling()
    {
        // 'b' exists only when k = 1: the watch accepts an address once any trace has it.
        var gated = DynamicModel.Create<int, double>("gated", (t, _) =>
        {
            var k = t.Sample("k", new Bernoulli(0.5));
            return k ? t.Sample("b", new Normal(0, 1)) : 0.0;
        });
        var kernel = Kernel.Cycle(Kernel.Mh<int, double>(Selection.At("k")), Kernel.Mh<int, double>(Selection.At("b")));
        var r = McmcSampler.Sample(gated, 0, ChoiceMap.Empty, kernel, Short with { Init = InitStrategy.Choices(ChoiceMap.Empty.Set("k", false)) },
            new Rng(4), ["k"], t => [t.Choices.Get<bool>("k") ? 1 : 0]);
        Assert.Equal(4, r.Draws.Length);
    }

    [Fact]
    public void A_names_list_of_the_wrong_length_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => McmcSampler.Sample(TestDensities.Correlated, new NutsKernel(), Short, new Rng(1), names: ["a"]));
        Assert.Contains("2 quantities", e.Message);
        Assert.Contains("1 names", e.Message);
    }

    [Fact]
    public void A_hand_written_density_with_NaN_data_names_the_NaN()
    {
        var data = new[] { 0.1, double.NaN };
        var density = new AutodiffDensity(1, x => RealDensity.Normal(data[0], x[0], 1) + RealDensity.Normal(data[1], x[0], 1));
        var e = Assert.Throws<InferenceException>(() => McmcSampler.Sample(density, new NutsKernel(), Short, new Rng(1)));
        Assert.Contains("log density was NaN", e.Message);
    }

    [Fact]
    public void A_density_that_reads_past_its_dimension_says_so()
    {
        var density = new AutodiffDensity(1, x => -0.5 * (x[0] * x[0] + x[1] * x[1]));
        var e = Assert.Throws<InferenceException>(() => McmcSampler.Sample(density, new NutsKernel(), Short, new Rng(1)));
        Assert.IsType<IndexOutOfRangeException>(e.InnerException);
        Assert.Contains("Dimension, 1", e.Message);
    }

    [Fact]
    public void Starts_with_a_non_finite_gradient_are_redrawn()
    {
        // log p = −x²/2 with a NaN gradient below −1.5: a quarter of the [−2, 2] starts (Stan redraws them; they used to kill the run).
        var density = new PiecewiseDensity(x => -0.5 * x * x, x => x < -1.5 ? double.NaN : -x);
        var r = McmcSampler.Sample(density, new NutsKernel(), Short with { Chains = 16 }, new Rng(7));
        Assert.Equal(16, r.Draws.Length);
        // Negative control: a gradient that is NaN everywhere cannot start, and the message names the coordinate.
        var e = Assert.Throws<InferenceException>(() => McmcSampler.Sample(new PiecewiseDensity(x => -0.5 * x * x, _ => double.NaN), new NutsKernel(), Short, new Rng(7)));
        Assert.Contains("(coordinate 0) = NaN", e.Message);
    }

    [Fact]
    public void A_domain_error_inside_a_trajectory_is_a_divergent_rejected_transition()
    {
        // The density throws where x > 2 (as a Cholesky of a matrix that is not positive definite would): NUTS samples
        // the standard normal truncated to x ≤ 2, whose mean is −φ(2)/Φ(2).
        var density = new AutodiffDensity(1, x => x[0].Value > 2
            ? throw new ArgumentException($"the matrix is not positive definite at x = {x[0].Value}")
            : RealDensity.Normal(x[0], 0, 1));
        var r = McmcSampler.Sample(density, new NutsKernel(), new McmcSettings { Chains = 4, Warmup = 500, Draws = 1000 }, new Rng(11));
        var all = r.Draws.SelectMany(c => c.Select(d => d[0])).ToArray();
        Assert.All(all, x => Assert.True(x <= 2));
        Assert.True(r.Stats.Sum(c => c.Count(s => s.Divergent)) > 0, "no divergent transition was reported");
        var phi = Math.Exp(-2) / Math.Sqrt(2 * Math.PI);
        var exact = -phi / MathNet.Numerics.Distributions.Normal.CDF(0, 1, 2);
        var values = r.Draws.Select(c => c.Select(d => d[0]).ToArray()).ToArray();
        var z = (all.Average() - exact) / ConvergenceDiagnostics.McseMean(values);
        Assert.True(Math.Abs(z) < 5, $"mean {all.Average()} against exact {exact}: z = {z}");
        // A bug is not a rejection: a NullReferenceException from the density ends the run, as it is.
        var buggy = new AutodiffDensity(1, x => x[0].Value > 1 ? throw new NullReferenceException("bug") : RealDensity.Normal(x[0], 0, 1));
        Assert.Throws<NullReferenceException>(() => McmcSampler.Sample(buggy, new NutsKernel(), new McmcSettings { Chains = 2, Warmup = 200, Draws = 200, Init = InitStrategy.Values([0.0]) }, new Rng(11)));
    }

    [Fact]
    public void Summary_cells_never_run_together()
    {
        Assert.Equal("NaN", Summary.FormatNumber(double.NaN, "F3"));
        Assert.Equal("inf", Summary.FormatNumber(double.PositiveInfinity, "F3"));
        Assert.Equal("1.317e+15", Summary.FormatNumber(1316504751842880.25, "F3"));
        Assert.Equal("-3.142", Summary.FormatNumber(-Math.PI, "F3"));
        // A chain stuck at one value (R-hat NaN) beside a chain of huge values: every row still has ten cells.
        var stuck = new double[][] { Enumerable.Repeat(1.0, 20).ToArray(), Enumerable.Repeat(1.0, 20).ToArray() };
        var huge = new double[][] { Enumerable.Range(0, 20).Select(i => 1e15 * (i + 1)).ToArray(), Enumerable.Range(0, 20).Select(i => -1e15 * (i + 1)).ToArray() };
        var text = Summary.Of(["stuck", "huge"], [stuck, huge]).ToString();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            Assert.Equal(10, line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    /// <summary>A one-dimensional density with a hand-written value and gradient.</summary>
    private sealed class PiecewiseDensity(Func<double, double> logDensity, Func<double, double> gradient) : IDifferentiableDensity
    {
        public int Dimension => 1;

        public double LogDensity(ReadOnlySpan<double> x) => logDensity(x[0]);

        public double LogDensityAndGradient(ReadOnlySpan<double> x, Span<double> g)
        {
            g[0] = gradient(x[0]);
            return logDensity(x[0]);
        }
    }
}
