using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Distributions;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Tests.Distributions;

/// <summary>
/// FsCheck properties over random parameters: for every scalar family, the log density agrees with
/// MathNet's (where MathNet has the family) at random points of the support, integrates (or sums) to
/// one, and draws lie in the support. The fixed-parameter moment checks live beside these.
/// </summary>
public class DistributionPropertyTests
{
    /// <summary>A family: how to build it from two parameters in (0.2, 5), the reference log density, and its support.</summary>
    private sealed record Family(
        string Name,
        Func<double, double, IDistribution<double>> Make,
        Func<double, double, double, double>? Reference,
        Func<double, double, (double Lower, double Upper)> Support);

    private static readonly Family[] Continuous =
    {
        new("Normal", (a, b) => new Normal(a - 2, b), (a, b, x) => MN.Normal.PDFLn(a - 2, b, x), (_, _) => (double.NegativeInfinity, double.PositiveInfinity)),
        new("HalfNormal", (a, _) => new HalfNormal(a), (a, _, x) => Math.Log(2) + MN.Normal.PDFLn(0, a, x), (_, _) => (0, double.PositiveInfinity)),
        new("LogNormal", (a, b) => new LogNormal(a - 2, b / 4), (a, b, x) => MN.LogNormal.PDFLn(a - 2, b / 4, x), (_, _) => (0, double.PositiveInfinity)),
        new("StudentT", (a, b) => new StudentT(a + 0.5, 1, b), (a, b, x) => MN.StudentT.PDFLn(1, b, a + 0.5, x), (_, _) => (double.NegativeInfinity, double.PositiveInfinity)),
        new("Cauchy", (a, b) => new Cauchy(a, b), (a, b, x) => MN.Cauchy.PDFLn(a, b, x), (_, _) => (double.NegativeInfinity, double.PositiveInfinity)),
        new("HalfCauchy", (a, _) => new HalfCauchy(a), (a, _, x) => Math.Log(2) + MN.Cauchy.PDFLn(0, a, x), (_, _) => (0, double.PositiveInfinity)),
        new("Laplace", (a, b) => new Laplace(a, b), (a, b, x) => MN.Laplace.PDFLn(a, b, x), (_, _) => (double.NegativeInfinity, double.PositiveInfinity)),
        new("Exponential", (a, _) => new Exponential(a), (a, _, x) => MN.Exponential.PDFLn(a, x), (_, _) => (0, double.PositiveInfinity)),
        new("Gamma", (a, b) => new Gamma(a + 1, b), (a, b, x) => MN.Gamma.PDFLn(a + 1, b, x), (_, _) => (0, double.PositiveInfinity)),
        new("InverseGamma", (a, b) => new InverseGamma(a + 1, b), (a, b, x) => MN.InverseGamma.PDFLn(a + 1, b, x), (_, _) => (0, double.PositiveInfinity)),
        new("Beta", (a, b) => new Beta(a + 1, b + 1), (a, b, x) => MN.Beta.PDFLn(a + 1, b + 1, x), (_, _) => (0, 1)),
        new("Uniform", (a, b) => new Uniform(-a, b), (a, b, x) => MN.ContinuousUniform.PDFLn(-a, b, x), (a, b) => (-a, b)),
    };

    private static Arbitrary<(int Family, double A, double B, double U)> Cases(int families) =>
        (from f in Gen.Choose(0, families - 1)
         from a in Gen.Choose(200, 5000)
         from b in Gen.Choose(200, 5000)
         from u in Gen.Choose(1, 999)
         select (f, a / 1000.0, b / 1000.0, u / 1000.0)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property ContinuousLogDensityAgreesWithMathNetAtRandomDraws()
    {
        return Prop.ForAll(Cases(Continuous.Length), c =>
        {
            var family = Continuous[c.Family];
            var d = family.Make(c.A, c.B);
            var x = d.Sample(new Rng((int)(c.U * 1e6)));
            var expected = family.Reference!(c.A, c.B, x);
            var actual = d.LogDensity(x);
            return (Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)))
                .Label($"{family.Name}({c.A}, {c.B}) at {x}: MathNet {expected}, ours {actual}");
        });
    }

    [Property(MaxTest = 60)]
    public Property ContinuousDensityIntegratesToOne()
    {
        return Prop.ForAll(Cases(Continuous.Length), c =>
        {
            var family = Continuous[c.Family];
            var d = family.Make(c.A, c.B);
            var (lo, hi) = family.Support(c.A, c.B);
            var total = TestStats.Integrate(x => Math.Exp(d.LogDensity(x)), lo, hi);
            // Heavy tails (Cauchy, small-ν StudentT) leave quadrature error around 1e-6 after the map to (0, 1).
            return (Math.Abs(total - 1) < 1e-5).Label($"{family.Name}({c.A}, {c.B}): ∫p = {total}");
        });
    }

    [Property(MaxTest = 100)]
    public Property DiscreteMassesSumToOneAndAgreeWithMathNet()
    {
        return Prop.ForAll(Cases(5), c =>
        {
            var p = Math.Clamp(c.U, 0.02, 0.98);
            var n = 1 + (int)(c.A * 6);
            var rate = c.B * 3;
            (IDistribution<int> Dist, Func<int, double> Reference, int Max, string Name) f = c.Family switch
            {
                0 => (new Binomial(n, p), k => MN.Binomial.PMFLn(p, n, k), n, "Binomial"),
                1 => (new Poisson(rate), k => MN.Poisson.PMFLn(rate, k), 200, "Poisson"),
                2 => (new Geometric(p), k => MN.Geometric.PMFLn(p, k + 1), 4000, "Geometric"),
                3 => (new DiscreteUniform(-n, n), k => MN.DiscreteUniform.PMFLn(-n, n, k), n, "DiscreteUniform"),
                _ => (new NegativeBinomial(c.A, p), k => NegBinLn(c.A, p, k), 4000, "NegativeBinomial"),
            };
            var lower = f.Name == "DiscreteUniform" ? -n : 0;
            double total = 0;
            var agree = true;
            for (var k = lower; k <= f.Max; k++)
            {
                var lp = f.Dist.LogDensity(k);
                total += Math.Exp(lp);
                var reference = f.Reference(k);
                if (double.IsFinite(reference) && Math.Abs(lp - reference) > 1e-9 * Math.Max(1, Math.Abs(reference))) agree = false;
            }
            return (agree && Math.Abs(total - 1) < 1e-9).Label($"{f.Name} (n={n}, p={p}, rate={rate}, r={c.A}): Σ = {total}, agree = {agree}");
        });
    }

    /// <summary>Failures before the r-th success: Γ(k+r)/(k! Γ(r)) pʳ (1−p)ᵏ, written out independently.</summary>
    private static double NegBinLn(double r, double p, int k) =>
        MathNet.Numerics.SpecialFunctions.GammaLn(k + r) - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1)
        - MathNet.Numerics.SpecialFunctions.GammaLn(r) + r * Math.Log(p) + k * Math.Log(1 - p);

    [Property(MaxTest = 100)]
    public Property DrawsLieInTheSupport()
    {
        return Prop.ForAll(Cases(Continuous.Length), c =>
        {
            var family = Continuous[c.Family];
            var d = family.Make(c.A, c.B);
            var rng = new Rng((int)(c.U * 1e6));
            var ok = true;
            for (var i = 0; i < 50; i++) ok &= double.IsFinite(d.LogDensity(d.Sample(rng)));
            return ok.Label(family.Name);
        });
    }
}
