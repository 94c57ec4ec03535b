using Ppl.Inference.Mcmc;

namespace Ppl.Tests.Shared;

// Hand-written densities shared by the step-size adaptation tests and the nuts-adapt benchmark (linked into both).

/// <summary>
/// Centred eight schools on the unconstrained scale (μ, log τ, θ₀ … θ₇): μ ~ N(0, 5), τ ~ HalfCauchy(5),
/// θⱼ ~ N(μ, τ), yⱼ ~ N(θⱼ, σⱼ), with the log-Jacobian of τ = exp(s); gradient by hand.
/// </summary>
internal sealed class CentredEightSchools : IDifferentiableDensity
{
    internal static readonly double[] Y = [28, 8, -3, 7, -1, 1, 18, 12];
    internal static readonly double[] Sigma = [15, 10, 16, 11, 9, 11, 10, 18];

    public int Dimension => 10;

    public double LogDensity(ReadOnlySpan<double> x) => LogDensityAndGradient(x, new double[10]);

    public double LogDensityAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        var mu = x[0];
        var s = x[1];
        var tau = Math.Exp(s);
        var r = tau / 5;
        var lp = -mu * mu / 50 - Math.Log(1 + r * r) + s - 8 * s;
        g[0] = -mu / 25;
        g[1] = -2 * r * r / (1 + r * r) + 1 - 8;
        for (var j = 0; j < 8; j++)
        {
            var z = (x[2 + j] - mu) / tau;
            var e = (Y[j] - x[2 + j]) / Sigma[j];
            lp += -0.5 * z * z - 0.5 * e * e;
            g[0] += z / tau;
            g[1] += z * z;
            g[2 + j] = -z / tau + e / Sigma[j];
        }
        return lp;
    }
}

/// <summary>The standard normal in <c>n</c> dimensions.</summary>
internal sealed class StdNormal(int n) : IDifferentiableDensity
{
    public int Dimension => n;

    public double LogDensity(ReadOnlySpan<double> x) => LogDensityAndGradient(x, new double[n]);

    public double LogDensityAndGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        double lp = 0;
        for (var i = 0; i < n; i++)
        {
            lp -= 0.5 * x[i] * x[i];
            g[i] = -x[i];
        }
        return lp;
    }
}
