using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The binomial distribution with n trials of a <see cref="Real"/> probability p: the differentiable counterpart of <see cref="Binomial"/>.</summary>
public readonly struct RealBinomial : IRealDiscrete<int>, IRealFiniteDiscrete
{
    /// <summary>Creates Binomial(<paramref name="n"/>, <paramref name="p"/>). Parameters are checked when the distribution is used.</summary>
    public RealBinomial(int n, Real p)
    {
        N = n;
        P = p;
    }

    /// <summary>The number of trials n ≥ 0.</summary>
    public int N { get; }

    /// <summary>The success probability p in [0, 1].</summary>
    public Real P { get; }

    /// <inheritdoc />
    public string Family => "Binomial";

    /// <inheritdoc />
    public string? ParameterError => new Binomial(N, P.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Binomial(N, P.Value);

    /// <inheritdoc />
    public long SupportMin => 0;

    /// <inheritdoc />
    public long SupportMax => N;

    /// <inheritdoc />
    public Real LogProbability(int value)
    {
        var n = N;
        var p = P.Value;
        if (!(n >= 0 && p >= 0 && p <= 1)) return double.NaN;
        if (value < 0 || value > n) return double.NegativeInfinity;
        var failures = n - value;
        var result = SpecialFunctions.BinomialLn(n, value) + MathUtil.XLogY(value, p) + MathUtil.XLog1pY(failures, -p);
        // p = 0 with a success (or p = 1 with a failure) has probability 0: no derivative.
        if (!double.IsFinite(result)) return result;
        return Real.Unary(result, P, RealFamilies.XOverY(value, p) - RealFamilies.XOverY(failures, 1 - p));
    }

    /// <inheritdoc />
    public override string ToString() => $"Binomial({N}, {P})";
}
