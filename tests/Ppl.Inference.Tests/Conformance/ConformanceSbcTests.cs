using Ppl.Inference.Mcmc;
using Ppl.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Conformance;

/// <summary>
/// The conformance suite under NUTS: simulation-based calibration of every case (<see cref="ConformanceSuite"/>) at the
/// CI size (<see cref="SbcSize.Ci"/>; the bench command <c>conformance</c> runs <see cref="SbcSize.Bench"/> on the same
/// code, linked from tests/Shared/Conformance), the conjugate cases against their exact posteriors, and a failed ODE solve
/// as a rejected proposal.
/// </summary>
public class ConformanceSbcTests(ITestOutputHelper output)
{
    private const double Alpha = ConformanceSbc.Alpha;

    /// <summary>The names of every case, as xUnit theory data.</summary>
    public static TheoryData<string> Names => Data(ConformanceSuite.All.Select(c => c.Name));

    /// <summary>The names of the cases without an ODE solve, as xUnit theory data.</summary>
    public static TheoryData<string> NamesWithoutOde => Data(ConformanceSuite.All.Select(c => c.Name).Except(ConformanceSuite.OdeCases));

    /// <summary>The suite covers at least the twelve classic models the issue lists, each with quantities to rank.</summary>
    [Fact]
    public void TheSuiteHasTheClassicModels()
    {
        Assert.True(ConformanceSuite.All.Count >= 12);
        Assert.Equal(ConformanceSuite.All.Count, ConformanceSuite.All.Select(c => c.Name).Distinct().Count());
        Assert.All(ConformanceSuite.All, c => Assert.NotEmpty(c.Ranked));
    }

    /// <summary>NUTS on each model's generated differentiable form: the ranks of the true values are uniform (fixed seed).</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void NutsIsCalibrated(string model)
    {
        var c = ConformanceSuite.Named(model);
        var outcome = ConformanceSbc.Run(c, c.SizeFor(SbcSize.Ci), seed: 1);
        output.WriteLine(outcome.ToString());
        Assert.All(outcome.P, (p, k) => Assert.True(p > Alpha, $"{outcome.Names[k]}: chi2 = {outcome.Chi2[k]}, p = {p}"));
    }

    /// <summary>
    /// Negative control at the CI size: the non-centred hierarchy simulated with unit noise but conditioned on a noise scale
    /// of 0.3 (the model's argument), a wrong posterior, is rejected: the CI size has the power to catch a gross error, and
    /// only that (with a scale of 0.5 the smallest p-value was 5e-4, just below the threshold; the bench size is the real test).
    /// </summary>
    [Fact]
    public void AWrongLikelihoodScaleIsRejected()
    {
        var right = ConformanceSuite.Named("hierarchical-noncentred");
        var wrong = right with
        {
            Name = "hierarchical-noncentred, wrong noise scale",
            Simulator = (rng, groups) =>
            {
                var mu = rng.NextGaussian();
                var tau = Math.Abs(rng.NextGaussian());
                var eta = new double[groups];
                var y = new double[groups];
                for (var j = 0; j < groups; j++)
                {
                    eta[j] = rng.NextGaussian();
                    y[j] = mu + tau * eta[j] + rng.NextGaussian();
                }
                return ConformanceProblem.Of(Mcmc.Differentiable.DifferentiableModels.HierarchicalModel, (y, 0.3), ChoiceMap.Empty,
                    new Dictionary<string, double> { ["mu"] = mu, ["tau"] = tau, ["eta/0"] = eta[0] });
            },
        };
        var outcome = ConformanceSbc.Run(wrong, SbcSize.Ci, seed: 1);
        output.WriteLine(outcome.ToString());
        Assert.True(outcome.P.Min() < Alpha, outcome.ToString());
    }

    /// <summary>
    /// Each model's generated differentiable form against its own <c>Assess</c> plus the log-Jacobian, and its gradient
    /// against central differences, at random points of a simulated data set. (Not the ODE cases: their densities come
    /// from adaptive solves whose step sequence changes with the parameters, so a central difference of the value is noise
    /// at the solver's tolerance; the solvers' sensitivities are checked against finite differences at tight tolerances in
    /// Ppl.Tests.)
    /// </summary>
    [Theory]
    [MemberData(nameof(NamesWithoutOde))]
    public void TheGeneratedFormMatchesAssess(string model)
    {
        ConformanceSuite.Named(model).Simulate(new Rng(11)).Accept(new FormCheck(12, 3, 1.0));
    }

    private static TheoryData<string> Data(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (var n in names) data.Add(n);
        return data;
    }

    /// <summary>
    /// <see cref="DifferentiableFormCheck.AgainstAssess"/> at <paramref name="points"/> random points (seed, radius on the
    /// unconstrained scale): the form is the model's <c>Assess</c> plus the log-Jacobian, its gradient the central difference of its value.
    /// </summary>
    private sealed class FormCheck(ulong seed, int points, double radius) : IConformanceModelVisitor
    {
        public void Visit<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations)
        {
            // The check conditions nothing: the cases pass their data as arguments.
            Assert.True(observations.IsEmpty, "The form check takes the observations from the model's arguments.");
            DifferentiableFormCheck.AgainstAssess(model, args, seed, points, radius);
        }
    }

    /// <summary>
    /// The centred latent GP (kept out of the suite: it fails SBC at the bench size) has a correct differentiable form:
    /// against Assess plus the log-Jacobian and central differences at random points, with the suite's jitter 10⁻⁵ (K
    /// nearly singular) and with 10⁻²; so its failure is not a wrong gradient of MvNormal with a random covariance.
    /// </summary>
    [Theory]
    [InlineData(1e-5, 1.0)]
    [InlineData(1e-5, 2.0)]
    [InlineData(1e-2, 2.0)]
    public void TheCentredGpFormMatchesAssess(double jitter, double radius)
    {
        ConformanceSuite.GpPoissonCentred(jitter).Simulate(new Rng(13)).Accept(new FormCheck(14, 6, radius));
    }

    /// <summary>
    /// The conjugate cases against their exact posteriors, on one simulated data set: each mean within 5 Monte Carlo
    /// standard errors (bulk-ESS MCSE) and each standard deviation within 15%.
    /// </summary>
    [Theory]
    [InlineData("linear-regression")]
    [InlineData("ill-conditioned-regression")]
    [InlineData("simplex")]
    public void NutsMatchesTheExactPosterior(string model)
    {
        var problem = ConformanceSuite.Named(model).Simulate(new Rng(7));
        var exact = Assert.IsAssignableFrom<IReadOnlyDictionary<string, (double Mean, double Sd)>>(problem.Exact);
        var result = problem.Sample(new NutsKernel(), new McmcSettings { Chains = 2, Warmup = 400, Draws = 500 }, new Rng(8));
        var posterior = result.ToPosterior();
        foreach (var (name, (mean, sd)) in exact)
        {
            var (estimate, se) = posterior.Mean(name);
            var k = result.Names.ToList().IndexOf(name);
            var draws = result.Draws.SelectMany(c => c.Select(d => d[k])).ToArray();
            var sample = MathNet.Numerics.Statistics.Statistics.StandardDeviation(draws);
            output.WriteLine($"{model} {name}: mean {estimate:F4} ± {se:F4} (exact {mean:F4}), sd {sample:F4} (exact {sd:F4})");
            Assert.True(Math.Abs(estimate - mean) < 5 * se, $"{name}: mean {estimate} ± {se}, exact {mean}");
            Assert.True(Math.Abs(sample / sd - 1) < 0.15, $"{name}: sd {sample}, exact {sd}");
        }
    }

    /// <summary>
    /// An ODE solve that fails (here: too many steps, at parameters far in the tail) throws <see cref="OdeSolverException"/>
    /// from the model's density; the samplers treat it as a point outside the model's domain, a rejected proposal
    /// (log density −∞, gradient 0), not the end of the run.
    /// </summary>
    [Fact]
    public void AFailedOdeSolveRejectsTheProposal()
    {
        var density = ConformanceSuite.Named("lotka-volterra").Simulate(new Rng(3)).Density();
        var q = new double[density.Dimension];
        var g = new double[q.Length];
        Assert.True(double.IsFinite(density.LogDensityAndGradient(q, g)));
        // log α = 12: the prey grows as e^(160000 t), and the solver's state is not finite (or it runs out of steps) long before t = 1.
        q[0] = 12;
        var e = Assert.ThrowsAny<Exception>(() => density.LogDensityAndGradient(q, g));
        Assert.True(e is OdeSolverException || e.InnerException is OdeSolverException, e.ToString());
        Assert.True(DensityErrors.IsRejection(e));
        g.AsSpan().Fill(1);
        Assert.Equal(double.NegativeInfinity, Leapfrog.LogDensityAndGradient(density, q, g));
        Assert.All(g, v => Assert.Equal(0, v));
    }
}
