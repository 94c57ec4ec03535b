using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;

namespace Ppl.Tests.Autodiff;

/// <summary>A continuous family: a draw of valid parameters, a point inside the support, and the two implementations.</summary>
public sealed record ContinuousCase(
    Func<Rng, double[]> Parameters,
    Func<double[], Rng, double> Point,
    Func<Real[], IRealContinuous> Real,
    Func<double[], IDistribution<double>> Double);

/// <summary>A discrete family over int values: a draw of valid parameters, a value, and the two implementations.</summary>
public sealed record DiscreteCase(
    Func<Rng, double[]> Parameters,
    Func<double[], Rng, int> Point,
    Func<Real[], IRealDiscrete<int>> Real,
    Func<double[], IDistribution<int>> Double);

/// <summary>The families under test and the numerical helpers the Real-family tests share.</summary>
public static class RealFamilyCases
{
    private static double U(Rng r, double a, double b) => a + (b - a) * r.NextDouble();

    private static double Gauss(Rng r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static double Positive(Rng r) => Math.Exp(U(r, -1.5, 1.5));

    public static readonly Dictionary<string, ContinuousCase> Continuous = new()
    {
        ["Normal"] = new(r => [U(r, -3, 3), Positive(r)], (p, r) => p[0] + 2 * p[1] * Gauss(r),
            p => RealDist.Normal(p[0], p[1]), p => Dist.Normal(p[0], p[1])),
        ["HalfNormal"] = new(r => [Positive(r)], (p, r) => Positive(r),
            p => RealDist.HalfNormal(p[0]), p => Dist.HalfNormal(p[0])),
        ["LogNormal"] = new(r => [U(r, -1, 1), U(r, 0.3, 2)], (p, r) => Positive(r),
            p => RealDist.LogNormal(p[0], p[1]), p => Dist.LogNormal(p[0], p[1])),
        ["StudentT"] = new(r => [U(r, 0.5, 20), U(r, -3, 3), Positive(r)], (p, r) => p[1] + 2 * p[2] * Gauss(r),
            p => RealDist.StudentT(p[0], p[1], p[2]), p => Dist.StudentT(p[0], p[1], p[2])),
        ["Cauchy"] = new(r => [U(r, -3, 3), Positive(r)], (p, r) => p[0] + 2 * p[1] * Gauss(r),
            p => RealDist.Cauchy(p[0], p[1]), p => Dist.Cauchy(p[0], p[1])),
        ["HalfCauchy"] = new(r => [Positive(r)], (p, r) => Positive(r),
            p => RealDist.HalfCauchy(p[0]), p => Dist.HalfCauchy(p[0])),
        ["Laplace"] = new(r => [U(r, -3, 3), Positive(r)], (p, r) => p[0] + (r.Next(2) == 0 ? -1 : 1) * U(r, 0.05, 3) * p[1],
            p => RealDist.Laplace(p[0], p[1]), p => Dist.Laplace(p[0], p[1])),
        ["Exponential"] = new(r => [Positive(r)], (p, r) => Positive(r),
            p => RealDist.Exponential(p[0]), p => Dist.Exponential(p[0])),
        ["Gamma"] = new(r => [U(r, 0.3, 8), Positive(r)], (p, r) => Positive(r),
            p => RealDist.Gamma(p[0], p[1]), p => Dist.Gamma(p[0], p[1])),
        ["InverseGamma"] = new(r => [U(r, 0.3, 8), Positive(r)], (p, r) => Positive(r),
            p => RealDist.InverseGamma(p[0], p[1]), p => Dist.InverseGamma(p[0], p[1])),
        ["Beta"] = new(r => [U(r, 0.3, 6), U(r, 0.3, 6)], (p, r) => U(r, 0.05, 0.95),
            p => RealDist.Beta(p[0], p[1]), p => Dist.Beta(p[0], p[1])),
        ["Uniform"] = new(r => { var l = U(r, -3, 3); return [l, l + Positive(r)]; }, (p, r) => p[0] + (p[1] - p[0]) * U(r, 0.05, 0.95),
            p => RealDist.Uniform(p[0], p[1]), p => Dist.Uniform(p[0], p[1])),
        ["HalfStudentT"] = new(r => [U(r, 0.5, 20), Positive(r)], (p, r) => Positive(r),
            p => RealDist.HalfStudentT(p[0], p[1]), p => Dist.HalfStudentT(p[0], p[1])),
        ["SkewNormal"] = new(r => [U(r, -3, 3), Positive(r), U(r, -6, 6)], (p, r) => p[0] + 2 * p[1] * Gauss(r),
            p => RealDist.SkewNormal(p[0], p[1], p[2]), p => Dist.SkewNormal(p[0], p[1], p[2])),
        ["VonMises"] = new(r => [U(r, -4, 4), Math.Exp(U(r, -3, 4))], (p, r) => p[0] + Math.PI * U(r, -0.95, 0.95),
            p => RealDist.VonMises(p[0], p[1]), p => Dist.VonMises(p[0], p[1])),
    };

    public static readonly Dictionary<string, DiscreteCase> Discrete = new()
    {
        ["Binomial"] = new(r => [r.Next(0, 30), U(r, 0.05, 0.95)], (p, r) => r.Next(0, (int)p[0] + 1),
            p => RealDist.Binomial((int)p[0], p[1]), p => Dist.Binomial((int)p[0], p[1])),
        ["Poisson"] = new(r => [Math.Exp(U(r, -1, 3))], (p, r) => r.Next(0, (int)(3 * p[0]) + 3),
            p => RealDist.Poisson(p[0]), p => Dist.Poisson(p[0])),
        ["Geometric"] = new(r => [U(r, 0.05, 0.95)], (p, r) => r.Next(0, 12),
            p => RealDist.Geometric(p[0]), p => Dist.Geometric(p[0])),
        ["NegativeBinomial"] = new(r => [U(r, 0.3, 10), U(r, 0.05, 0.95)], (p, r) => r.Next(0, 25),
            p => RealDist.NegativeBinomial(p[0], p[1]), p => Dist.NegativeBinomial(p[0], p[1])),
        ["DiscreteUniform"] = new(r => { var l = r.Next(-5, 5); return [l, l + r.Next(0, 7)]; }, (p, r) => r.Next((int)p[0] - 1, (int)p[1] + 2),
            p => RealDist.DiscreteUniform((int)p[0], (int)p[1]), p => Dist.DiscreteUniform((int)p[0], (int)p[1])),
        ["BinomialLogit"] = new(r => [r.Next(0, 30), U(r, -4, 4)], (p, r) => r.Next(0, (int)p[0] + 1),
            p => RealDist.BinomialLogit((int)p[0], p[1]), p => Dist.BinomialLogit((int)p[0], p[1])),
        ["PoissonLog"] = new(r => [U(r, -1, 3)], (p, r) => r.Next(0, (int)(3 * Math.Exp(p[0])) + 3),
            p => RealDist.PoissonLog(p[0]), p => Dist.PoissonLog(p[0])),
    };

    /// <summary>Which parameters of a discrete family are <see cref="Real"/> (the others are ints).</summary>
    public static bool IsRealParameter(string family, int index) => family switch
    {
        "Binomial" or "BinomialLogit" => index == 1,
        "DiscreteUniform" => false,
        _ => true,
    };

    /// <summary>The central difference of <paramref name="f"/> at <paramref name="x"/> with a step scaled to |x|.</summary>
    public static double Derivative(Func<double, double> f, double x)
    {
        var h = 1e-6 * Math.Max(1, Math.Abs(x));
        return (f(x + h) - f(x - h)) / (2 * h);
    }

    /// <summary>The central difference of f in coordinate <paramref name="i"/> of <paramref name="p"/>.</summary>
    public static double Partial(Func<double[], double> f, double[] p, int i) =>
        Derivative(v =>
        {
            var q = (double[])p.Clone();
            q[i] = v;
            return f(q);
        }, p[i]);

    /// <summary>Values agree to 1e-10 absolute plus relative (equal when either is infinite or NaN).</summary>
    public static void SameValue(double expected, double actual, string label)
    {
        if (!double.IsFinite(expected) || !double.IsFinite(actual))
        {
            Assert.True(expected.Equals(actual), $"{label}: expected {expected}, got {actual}");
            return;
        }
        Assert.True(Math.Abs(expected - actual) <= 1e-10 * (1 + Math.Abs(expected)), $"{label}: expected {expected:R}, got {actual:R}");
    }

    /// <summary>A tape derivative agrees with a finite difference to 1e-6 relative.</summary>
    public static void SameDerivative(double finiteDifference, double adjoint, string label) =>
        Assert.True(Math.Abs(finiteDifference - adjoint) <= 1e-6 * Math.Max(1, Math.Abs(finiteDifference)),
            $"{label}: finite difference {finiteDifference:R}, tape {adjoint:R}");
}
